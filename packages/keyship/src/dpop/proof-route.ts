/**
 * DPoP proofs of requests: the one `DPoP` header checked against the request's method, its
 * public URL (`dpopOrigin` and the path), the clock and the replay cache.
 * @module
 */
import type { Context, MiddlewareHandler, Next } from "hono";
import type { KeyshipContext } from "../context.ts";
import type { KeyshipEnv } from "../http/variables.ts";
import { createDpopNonces, type DpopNonces, useNonceProblem } from "./nonce.ts";
import { invalidProof, verifyProof } from "./proof.ts";

const DPOP_SCHEME = /^DPoP /i;

/** Is `authorization` of the `DPoP` scheme (RFC 9449 §7.1)? */
export function isDpopAuthorization(authorization: string | undefined): boolean {
  return authorization !== undefined && DPOP_SCHEME.test(authorization);
}

// The nonces of each settings object, made once (its key is derived from the session secret).
const noncesBySettings = new WeakMap<object, DpopNonces | undefined>();

function noncesOf(settings: KeyshipContext["settings"]): DpopNonces | undefined {
  if (!noncesBySettings.has(settings)) noncesBySettings.set(settings, createDpopNonces(settings));
  return noncesBySettings.get(settings);
}

/**
 * Verifies the request's `DPoP` header, if it has one. With `dpopNonce` on, the proof must
 * carry the current nonce, and the answer names the current one in `DPoP-Nonce`.
 * @param c the request
 * @param ctx settings (`dpopOrigin`, `dpopProofWindow`), clock and the replay cache
 * @param accessToken the token the proof must name in `ath`, at a resource
 * @returns the proof key's thumbprint, or undefined without a `DPoP` header
 * @throws ProblemError `dpop.invalid_proof` for a refused proof or several `DPoP` headers;
 *   `dpop.use_nonce` (at a resource) or `dpop.nonce_required` without the current nonce
 */
export async function requestProof(
  c: Context<KeyshipEnv>,
  ctx: Pick<KeyshipContext, "settings" | "now" | "sessions">,
  accessToken?: string,
): Promise<string | undefined> {
  // The Fetch API joins repeated fields with ", "; a JWS never holds a comma.
  const proof = c.req.header("dpop");
  if (proof === undefined) return undefined;
  if (proof === "") throw invalidProof("empty DPoP header");
  const nowSeconds = Math.floor(ctx.now().getTime() / 1000);
  const nonces = noncesOf(ctx.settings);
  const current = nonces?.current(nowSeconds);
  const jkt = await verifyProof(proof, {
    method: c.req.method,
    url: `${ctx.settings.dpopOrigin}${c.req.path}`,
    accessToken,
    nowSeconds,
    windowSeconds: ctx.settings.dpopProofWindow,
    replay: ctx.sessions.dpopReplay,
    nonce:
      nonces === undefined || current === undefined
        ? undefined
        : {
            accepts: (nonce) => nonces.accepts(nonce, nowSeconds),
            refuse: (reason) => useNonceProblem(accessToken !== undefined, current, reason),
          },
  });
  // RFC 9449 §8.2: the next nonce travels with the answer, before the old one goes stale.
  if (current !== undefined) c.header("DPoP-Nonce", current);
  return jkt;
}

/**
 * Middleware of keyship's own POST routes: a request with a `DPoP` proof and no DPoP-bound
 * token (a sign-in finish, a refresh) gets the proof verified and its key in `c.var.dpopJkt`,
 * which `signInClient()` hands to the session it starts. A refused proof answers 401.
 * @param ctx settings, clock and the replay cache
 */
export function dpopProofs(
  ctx: Pick<KeyshipContext, "settings" | "now" | "sessions">,
): MiddlewareHandler<KeyshipEnv> {
  async function verified(c: Context<KeyshipEnv>, next: Next): Promise<void> {
    const jkt = await requestProof(c, ctx);
    if (jkt !== undefined) c.set("dpopJkt", jkt);
    await next();
  }
  // Not async: a request without a proof passes straight to next().
  return function keyshipDpopProof(c, next) {
    // A DPoP-bound token's proof was verified with it, by authenticate().
    if (
      c.req.method !== "POST" ||
      c.req.header("dpop") === undefined ||
      isDpopAuthorization(c.req.header("authorization"))
    ) {
      return next();
    }
    return verified(c, next);
  };
}
