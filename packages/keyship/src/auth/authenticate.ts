/**
 * `authenticate()`: the one place that decides which credential proves a request. It asks the
 * registry's verifiers for a warm answer first (caches only, nothing parsed), then for the
 * first one that recognises the credential, which verifies it.
 *
 * It identifies; guards protect. It sets `c.var.principal`, or null when the request carries
 * no valid credential, and never answers by itself: a refused credential is kept in
 * `c.var.authProblem` for the guards, so a protected route answers exactly why (401
 * `token.expired`, 403 `auth.csrf_failed`…) while a public route is never blocked by a stale
 * token or cookie.
 * @module
 */
import type { Context, MiddlewareHandler, Next } from "hono";
import { isOAuthEndpoint } from "../clients/model.ts";
import { ProblemError } from "../errors.ts";
import { authorizationHeader } from "../http/headers.ts";
import type { KeyshipEnv } from "../http/variables.ts";
import { recordTokenFailure } from "../observability/metrics.ts";
import { TokenError } from "../tokens/errors.ts";
import type { Principal } from "./principal.ts";
import { type CredentialRequest, type CredentialVerifier, presentedBearer } from "./verifier.ts";

const BASIC_SCHEME = /^Basic /i;

/** Keeps a refused credential's problem for the guards; anything else is a server failure. */
function remember(c: Context<KeyshipEnv>, error: unknown): void {
  recordTokenFailure(error instanceof ProblemError ? error.code : "internal.error");
  if (!(error instanceof ProblemError)) throw error;
  c.set("principal", null);
  c.set("authProblem", error);
}

/**
 * The caller of `request`, asked of `verifiers` in order: a warm answer first, then the first
 * verifier that recognises the credential verifies it. Undefined without any credential; a
 * promise when verification needs I/O.
 * @throws ProblemError when the credential is refused (`token.invalid` when nobody knows it)
 */
export function identify(
  verifiers: readonly CredentialVerifier[],
  request: CredentialRequest,
): Principal | undefined | Promise<Principal> {
  for (const verifier of verifiers) {
    const principal = verifier.warm(request);
    if (principal !== undefined) return principal;
  }
  for (const verifier of verifiers) {
    const credential = verifier.find(request);
    if (credential !== undefined) return verifier.verify(credential, request);
  }
  if (request.authorization === undefined) return undefined;
  // RFC 6749 §2.3.1: the OAuth endpoints take client credentials as `Basic` and authenticate
  // the client themselves; there they are no refused token.
  if (BASIC_SCHEME.test(request.authorization) && isOAuthEndpoint(request.c.req.path)) {
    return undefined;
  }
  throw new TokenError("token.invalid", { cause: new Error("no verifier recognises it") });
}

/**
 * Creates the authenticate middleware over the given verifiers (asked in order).
 *
 * No credential leaves the principal null (guards then answer 401 `auth.unauthenticated`). An
 * `Authorization` header that no verifier recognises (another scheme, malformed, a foreign
 * token) counts as refused with `token.invalid`, like any credential its verifier refuses:
 * the principal stays null and guards answer that problem.
 * @param verifiers the registry (`credentialVerifiers()`)
 */
export function createAuthenticate(
  verifiers: readonly CredentialVerifier[],
): MiddlewareHandler<KeyshipEnv> {
  /** The caller now when that needs no I/O (no credential, a warm one), else a promise. */
  function principalOf(c: Context<KeyshipEnv>): Principal | undefined | Promise<Principal> {
    const authorization = authorizationHeader(c);
    return identify(verifiers, { c, authorization, bearer: presentedBearer(authorization) });
  }

  async function settle(
    c: Context<KeyshipEnv>,
    next: Next,
    pending: Promise<Principal>,
  ): Promise<void> {
    try {
      c.set("principal", await pending);
    } catch (error) {
      remember(c, error);
    }
    await next();
  }

  // Not async: a request answered at once passes straight to next() without an extra promise.
  return function keyshipAuthenticate(c, next) {
    let found: ReturnType<typeof principalOf>;
    try {
      found = principalOf(c);
    } catch (error) {
      remember(c, error);
      return next();
    }
    if (found instanceof Promise) return settle(c, next, found);
    c.set("principal", found ?? null);
    return next();
  };
}
