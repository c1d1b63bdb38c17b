/**
 * Cookie mode: the access token in its `HttpOnly` cookie, for requests without an
 * `Authorization` header. Unsafe methods must pass the CSRF check first, warm or cold.
 *
 * A dead cookie is cleared on the answer (`Max-Age=0`): a revoked or invalid one takes the
 * whole session's cookies with it, an expired one only itself (the refresh cookie may still
 * renew it). The HttpOnly cookies cannot be removed by the page, so without this a browser
 * whose session ended elsewhere ("log out everywhere") would carry them until they expire.
 * @module
 */
import type { Context } from "hono";
import { readBoundSession } from "../../dbsc/cookie-route.ts";
import type { DbscRuntime } from "../../dbsc/runtime.ts";
import { ProblemError } from "../../errors.ts";
import {
  clearAccessCookie,
  clearSessionCookies,
  readAccessCookie,
} from "../../sessions/cookies.ts";
import type { CsrfCheck } from "../../sessions/csrf.ts";
import type { CookiePolicy } from "../../sessions/runtime.ts";
import type { BoundCookieProof, SessionTokenVerifier } from "../../sessions/verifier.ts";
import type { CredentialRequest, CredentialVerifier } from "../verifier.ts";
import { hasApiKeyHeader } from "./api-key.ts";

/**
 * The session-cookie entry of the registry.
 * @param sessions the access-token verifier (shared with bearer access tokens)
 * @param policy the cookie names
 * @param csrf the CSRF check of cookie mode
 * @param dbsc what the DBSC-bound cookie of a bound session is checked with (docs/dbsc.md)
 */
export function sessionCookieCredential(
  sessions: SessionTokenVerifier,
  policy: CookiePolicy,
  csrf: CsrfCheck,
  dbsc: DbscRuntime,
): CredentialVerifier {
  const boundOf =
    (c: Context): BoundCookieProof =>
    () =>
      readBoundSession(c, policy, dbsc);
  // An Authorization header wins, then an X-API-Key: a request carrying one is judged by it alone.
  const cookieOf = (request: CredentialRequest) =>
    request.authorization === undefined && !hasApiKeyHeader(request.c)
      ? readAccessCookie(request.c, policy)
      : undefined;
  /** Clears the cookies a refusal shows dead, then passes the refusal on. */
  const clearDead = (c: Context, error: unknown): never => {
    if (error instanceof ProblemError) {
      if (error.code === "token.expired") clearAccessCookie(c, policy);
      else if (error.code === "token.invalid" || error.code === "token.revoked") {
        clearSessionCookies(c, policy);
      }
    }
    throw error;
  };
  return {
    name: "cookie",
    warm(request) {
      const token = cookieOf(request);
      if (token === undefined) return undefined;
      let principal: ReturnType<SessionTokenVerifier["cached"]>;
      try {
        principal = sessions.cached(token, boundOf(request.c));
      } catch (error) {
        return clearDead(request.c, error);
      }
      if (principal !== undefined) csrf(request.c);
      return principal;
    },
    find: cookieOf,
    async verify(token, request) {
      csrf(request.c);
      try {
        return await sessions.verifyCookie(token, boundOf(request.c));
      } catch (error) {
        return clearDead(request.c, error);
      }
    },
  };
}
