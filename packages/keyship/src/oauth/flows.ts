/**
 * The two halves of a provider round trip. `startFlow()` stores a flow (state, PKCE verifier,
 * OIDC nonce, where to return) and answers the provider URL with the flow's signed cookie
 * value; `finishCallback()` takes the flow back once, checks the state against the cookie,
 * lets openid-client exchange and verify the code, and decides where the browser goes:
 * `returnTo#keyship_oauth=<one-time code>` for a sign-in, or `#keyship_oauth_error=<code>`.
 * @module
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { AuditSource } from "../audit/model.ts";
import type { Principal } from "../auth/principal.ts";
import { ProblemError } from "../errors.ts";
import { recordFailure } from "../signin/failures.ts";
import { requirePasskeyProofIfAny } from "../stepup/service.ts";
import { linkIdentity, stepUpWithIdentity } from "./accounts.ts";
import { openid } from "./client.ts";
import { callbackUrlOf, hashCode, type OAuthContext, providerOf } from "./context.ts";
import { CODE_TTL_SECONDS, type FlowPurpose, type OAuthFlow, type ProviderSpec } from "./model.ts";

/** The fragment parameters the callback hands the app. */
export const FRAGMENT = Object.freeze({
  code: "keyship_oauth",
  error: "keyship_oauth_error",
  linked: "keyship_oauth_linked",
  steppedUp: "keyship_oauth_stepped_up",
});

/**
 * The absolute return address for `returnTo`: a path on the app's first origin, or an
 * absolute URL on one of its origins (`KEYSHIP_ORIGIN`). The fragment is dropped.
 * @throws ProblemError `oauth.return_to_invalid` for anything else (another origin, `//host`,
 *   a scheme other than http(s), backslashes)
 */
export function checkReturnTo(
  settings: OAuthContext["settings"],
  returnTo: string | undefined,
): string {
  const origins = settings.origins;
  const value = returnTo ?? "/";
  if (value.includes("\\") || [...value].some((ch) => ch.charCodeAt(0) < 0x20)) {
    throw new ProblemError("oauth.return_to_invalid");
  }
  const isPath = value.startsWith("/") && !value.startsWith("//");
  let url: URL;
  try {
    url = isPath ? new URL(value, origins[0]) : new URL(value);
  } catch {
    throw new ProblemError("oauth.return_to_invalid");
  }
  if (!origins.includes(url.origin)) throw new ProblemError("oauth.return_to_invalid");
  url.hash = "";
  return url.href;
}

/** Who starts a link or step-up: the signed-in user, and the device or session to mark. */
export interface FlowOwner {
  readonly userId: string;
  readonly subjectId: string | null;
  readonly principal: Principal;
}

/**
 * Refuses a step-up start that could never mark anything: an impersonation session, a
 * credential that is no device or session, or an account with a passkey (it steps up with the
 * passkey, as for the password).
 * @throws ProblemError `auth.forbidden`, `auth.step_up_required`
 */
async function checkStepUpOwner(ctx: OAuthContext, owner: FlowOwner | undefined): Promise<void> {
  if (owner === undefined) throw new ProblemError("auth.step_up_required");
  if (owner.principal.impersonatorId !== undefined) throw new ProblemError("auth.forbidden");
  if (owner.subjectId === null) throw new ProblemError("auth.step_up_required");
  await requirePasskeyProofIfAny(ctx, owner.principal, false);
}

/** A started flow: where to send the browser, and the flow cookie's signed value. */
export interface StartedFlow {
  readonly url: string;
  readonly cookie: string;
  readonly maxAgeSeconds: number;
}

/**
 * Starts a sign-in, link or step-up at `providerId`.
 * @param input the provider, why, where to return, and for a link or step-up its owner
 * @throws ProblemError `oauth.provider_unknown`, `oauth.return_to_invalid`,
 *   `oauth.provider_error` (discovery failed); for a step-up `auth.forbidden` and
 *   `auth.step_up_required`
 */
export async function startFlow(
  ctx: OAuthContext,
  input: {
    providerId: string;
    purpose: FlowPurpose;
    returnTo: string | undefined;
    owner?: FlowOwner | undefined;
  },
): Promise<StartedFlow> {
  const provider = providerOf(ctx, input.providerId);
  const returnTo = checkReturnTo(ctx.settings, input.returnTo);
  if (input.purpose === "stepup") await checkStepUpOwner(ctx, input.owner);
  const now = ctx.now();
  const ttl = ctx.settings.oauthFlowTtlSeconds;
  const flow: OAuthFlow = {
    id: openid().randomState(),
    provider: provider.spec.id,
    purpose: input.purpose,
    codeVerifier: openid().randomPKCECodeVerifier(),
    nonce: provider.spec.kind === "oidc" ? openid().randomNonce() : null,
    returnTo,
    userId: input.owner?.userId ?? null,
    subjectId: input.owner?.subjectId ?? null,
    startedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + ttl * 1000).toISOString(),
  };
  const url = await provider.authorizationUrl({
    redirectUri: callbackUrlOf(ctx.settings, provider.spec.id),
    state: flow.id,
    codeChallenge: await openid().calculatePKCECodeChallenge(flow.codeVerifier),
    nonce: flow.nonce,
    reauthenticate: requiresFreshSignIn(provider.spec, flow),
  });
  await ctx.ephemeral.saveFlow(flow, now.toISOString());
  return { url: url.href, cookie: ctx.cookieSigner.sign(flow.id), maxAgeSeconds: ttl };
}

/**
 * Whether the provider must authenticate the person again: an OIDC step-up. A step-up stands
 * for "the person is here now", which an old single sign-on session at the provider does not
 * prove. OAuth 2 providers (GitHub, Discord) have no standard way to ask or to tell, so their
 * step-ups accept the provider's session (docs/oauth.md says so).
 */
function requiresFreshSignIn(spec: ProviderSpec, flow: OAuthFlow): boolean {
  return flow.purpose === "stepup" && spec.kind === "oidc";
}

/**
 * The oldest `auth_time` an OIDC step-up accepts, as seconds before now: no earlier than the
 * flow's start (rounded up; openid-client adds its clock tolerance).
 */
function stepUpMaxAge(ctx: OAuthContext, flow: OAuthFlow): number {
  return Math.max(0, Math.ceil((ctx.now().getTime() - Date.parse(flow.startedAt)) / 1000));
}

/** Constant-time equality of two strings. */
function sameString(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The `oauth.failed` event of a refused callback or exchange. */
export function oauthFailed(
  provider: string,
  reason: string,
  extra: { purpose?: string; userId?: string | null } = {},
) {
  return {
    action: "oauth.failed",
    outcome: "failure" as const,
    ...(extra.userId ? { targetType: "user", targetId: extra.userId } : {}),
    data: { provider, reason, ...(extra.purpose === undefined ? {} : { purpose: extra.purpose }) },
  };
}

/**
 * Takes the flow whose state the provider echoed, if the browser's cookie names the same one.
 * @throws ProblemError `oauth.state_invalid` without a valid cookie, for a state that does not
 *   match it, or a flow that is unknown, expired, used or another provider's
 */
async function takeFlow(
  ctx: OAuthContext,
  input: { providerId: string; cookie: string | undefined; state: string | null },
): Promise<OAuthFlow> {
  const fromCookie = input.cookie === undefined ? undefined : ctx.cookieSigner.verify(input.cookie);
  if (fromCookie === undefined || input.state === null || !sameString(fromCookie, input.state)) {
    throw new ProblemError("oauth.state_invalid");
  }
  const flow = await ctx.ephemeral.takeFlow(input.state, ctx.now().toISOString());
  if (flow === undefined || flow.provider !== input.providerId) {
    throw new ProblemError("oauth.state_invalid");
  }
  return flow;
}

/** What the provider's `error` parameter becomes (RFC 6749 §4.1.2.1). */
function providerRefusal(error: string): ProblemError {
  return new ProblemError(
    error === "access_denied" ? "oauth.access_denied" : "oauth.provider_error",
  );
}

/** `returnTo` with one fragment parameter. */
function withFragment(returnTo: string, name: string, value: string): string {
  return `${returnTo}#${name}=${encodeURIComponent(value)}`;
}

/** The flow's outcome: a one-time code for a sign-in, or the link or step-up done. */
async function complete(
  ctx: OAuthContext,
  source: AuditSource,
  flow: OAuthFlow,
  query: URLSearchParams,
): Promise<string> {
  const error = query.get("error");
  if (error !== null) throw providerRefusal(error);
  const provider = providerOf(ctx, flow.provider);
  const current = new URL(callbackUrlOf(ctx.settings, flow.provider));
  current.search = query.toString();
  const identity = await provider.identityFrom(current, {
    state: flow.id,
    codeVerifier: flow.codeVerifier,
    nonce: flow.nonce,
    maxAgeSeconds: requiresFreshSignIn(provider.spec, flow) ? stepUpMaxAge(ctx, flow) : undefined,
  });
  if (flow.purpose === "link") {
    await linkIdentity(ctx, source, { flow, identity });
    return withFragment(flow.returnTo, FRAGMENT.linked, flow.provider);
  }
  if (flow.purpose === "stepup") {
    await stepUpWithIdentity(ctx, source, { flow, identity });
    return withFragment(flow.returnTo, FRAGMENT.steppedUp, flow.provider);
  }
  const code = randomBytes(32).toString("base64url");
  const now = ctx.now();
  await ctx.ephemeral.saveCode(
    hashCode(code),
    { provider: flow.provider, identity },
    {
      nowIso: now.toISOString(),
      expiresAt: new Date(now.getTime() + CODE_TTL_SECONDS * 1000).toISOString(),
    },
  );
  return withFragment(flow.returnTo, FRAGMENT.code, code);
}

/**
 * Handles the provider's redirect back. Without a flow cookie matching the state, it throws
 * (the route answers 400 and redirects nowhere); past that check every failure, recorded as
 * `oauth.failed`, becomes `returnTo#keyship_oauth_error=<code>`.
 * @param input the provider id of the path, the flow cookie, and the callback's query
 * @returns where to redirect the browser
 * @throws ProblemError `oauth.state_invalid`
 */
export async function finishCallback(
  ctx: OAuthContext,
  source: AuditSource,
  input: { providerId: string; cookie: string | undefined; query: URLSearchParams },
): Promise<string> {
  let flow: OAuthFlow;
  try {
    flow = await takeFlow(ctx, { ...input, state: input.query.get("state") });
  } catch (error) {
    if (error instanceof ProblemError) {
      await recordFailure(ctx, source, oauthFailed(input.providerId, error.code));
    }
    throw error;
  }
  try {
    return await complete(ctx, source, flow, input.query);
  } catch (error) {
    if (!(error instanceof ProblemError)) throw error;
    ctx.logger.info({ err: error.cause ?? error, code: error.code }, "OAuth callback refused");
    const purpose = { purpose: flow.purpose, userId: flow.userId };
    await recordFailure(ctx, source, oauthFailed(flow.provider, error.code, purpose));
    return withFragment(flow.returnTo, FRAGMENT.error, error.code);
  }
}
