/**
 * Resource-server mode's keyship users, only when configured (`KEYSHIP_TRUST_<NAME>_USERS`,
 * docs/resource-server.md): with `link`, a token whose subject is a linked account at the OAuth
 * sign-in provider of the same issuer acts as that keyship user; with `create`, a subject not
 * linked yet also gets a new user, linked at that provider in the same transaction (so that
 * the person is the same user when they later sign in through the provider). With `none`
 * (the default) nothing here runs and no database is read.
 * @module
 */
import type { JWTPayload } from "jose";
import { recordAudit } from "../audit/service.ts";
import type { Principal } from "../auth/principal.ts";
import type { TrustedIssuerSettings } from "../config/settings-trust.ts";
import type { KeyshipContext } from "../context.ts";
import { KeyshipConfigError, ProblemError } from "../errors.ts";
import { insertLink } from "../oauth/accounts.ts";
import { resolveProviders } from "../oauth/providers.ts";
import { findOAuthAccount } from "../oauth/store.ts";
import { TokenError } from "../tokens/errors.ts";
import { createAccount } from "../users/create.ts";
import { findUserById } from "../users/store.ts";

/** Maps a verified external principal to its keyship user, when there is one. */
export type ExternalUserMapper = (
  principal: Principal,
  payload: JWTPayload & { readonly sub: string },
) => Promise<Principal>;

/** The keyship user a subject acts as. */
interface KeyshipUser {
  readonly userId: string;
  readonly role: string;
}

const withoutSlash = (url: string) => url.replace(/\/+$/, "");

/**
 * The OAuth sign-in provider whose issuer is the trusted issuer's: where its subjects are linked.
 * @throws KeyshipConfigError when no OpenID sign-in provider has that issuer
 */
function linkingProvider(
  ctx: Pick<KeyshipContext, "settings">,
  name: string,
  trusted: TrustedIssuerSettings,
): string {
  const specs = resolveProviders({ oauth: ctx.settings.oauth, oidc: ctx.settings.oidc });
  const issuer = withoutSlash(trusted.issuer);
  const spec = specs.find((s) => s.kind === "oidc" && withoutSlash(s.issuer) === issuer);
  if (spec !== undefined) return spec.id;
  const variable = `KEYSHIP_TRUST_${name.toUpperCase()}_USERS=${trusted.users}`;
  throw new KeyshipConfigError([
    `${variable} links subjects at the OAuth sign-in provider of the issuer ${trusted.issuer}, and none is configured: add it (e.g. KEYSHIP_OAUTH_KEYCLOAK_REALM_URL=${trusted.issuer} or KEYSHIP_OIDC_<NAME>_ISSUER=${trusted.issuer}), or set USERS=none.`,
  ]);
}

/** The linked user of `subject` at `provider`, refusing a disabled one; undefined if none. */
async function linkedUser(
  ctx: Pick<KeyshipContext, "db">,
  provider: string,
  subject: string,
): Promise<KeyshipUser | undefined> {
  const link = await findOAuthAccount(ctx.db, provider, subject);
  if (link === undefined) return undefined;
  const user = await findUserById(ctx.db, link.user_id);
  // SECURITY: a disabled (or deleted) user acts through no credential, external tokens included.
  if (user === undefined || user.disabled_at !== null) {
    throw new TokenError("token.invalid", { cause: new Error("the linked user is disabled") });
  }
  return { userId: user.id, role: user.role };
}

/**
 * Creates a user for `subject` and links it at `provider`, in one transaction. Access tokens
 * are no proof of an email, so the user gets none; `name` becomes the display name.
 * @returns the new user, or the one a concurrent first request created
 */
async function createdUser(
  ctx: KeyshipContext,
  provider: string,
  payload: JWTPayload & { readonly sub: string },
): Promise<KeyshipUser> {
  const userId = ctx.newId("user");
  const displayName = typeof payload.name === "string" ? payload.name.slice(0, 200) : null;
  const source = {
    actorId: userId,
    impersonatorId: null,
    ip: null,
    userAgent: null,
    traceId: null,
  };
  try {
    await ctx.db.transaction().execute(async (trx) => {
      const nowIso = ctx.now().toISOString();
      const account = { id: userId, email: null, displayName, passwordHash: null };
      await createAccount(trx, ctx.settings, ctx.dialect, account, nowIso, "validation.failed");
      const identity = { subject: payload.sub, email: null, emailVerified: false, displayName };
      await insertLink(trx, ctx, source, { userId, provider, identity, automatic: true });
      await recordAudit(trx, ctx, source, {
        action: "user.signed_up",
        targetType: "user",
        targetId: userId,
        data: { method: "external", provider },
      });
    });
  } catch (error) {
    if (!(error instanceof ProblemError && error.code === "oauth.already_linked")) throw error;
    const winner = await linkedUser(ctx, provider, payload.sub);
    if (winner === undefined) throw error;
    return winner;
  }
  return (await linkedUser(ctx, provider, payload.sub)) as KeyshipUser;
}

/**
 * The mapper of one trusted issuer, or undefined with `users: "none"`.
 * @throws KeyshipConfigError when `link` or `create` has no sign-in provider to link at
 */
export function externalUserMapper(
  ctx: KeyshipContext,
  name: string,
  trusted: TrustedIssuerSettings,
): ExternalUserMapper | undefined {
  if (trusted.users === "none") return undefined;
  const provider = linkingProvider(ctx, name, trusted);
  const isCreating = trusted.users === "create";
  return async (principal, payload) => {
    const user =
      (await linkedUser(ctx, provider, payload.sub)) ??
      (isCreating ? await createdUser(ctx, provider, payload) : undefined);
    if (user === undefined) return principal;
    // The roles claim may make the caller an admin; so may the keyship user's own role.
    const role = principal.role === "admin" || user.role === "admin" ? "admin" : "user";
    return Object.freeze({ ...principal, userId: user.userId, role });
  };
}
