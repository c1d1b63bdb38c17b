/**
 * Cookie mode: the access token in its `HttpOnly` cookie, for requests without an
 * `Authorization` header. Unsafe methods must pass the CSRF check first, warm or cold.
 * @module
 */
import { readAccessCookie } from "../../sessions/cookies.ts";
import type { CsrfCheck } from "../../sessions/csrf.ts";
import type { CookiePolicy } from "../../sessions/runtime.ts";
import type { SessionTokenVerifier } from "../../sessions/verifier.ts";
import type { CredentialRequest, CredentialVerifier } from "../verifier.ts";

/**
 * The session-cookie entry of the registry.
 * @param sessions the access-token verifier (shared with bearer access tokens)
 * @param policy the cookie names
 * @param csrf the CSRF check of cookie mode
 */
export function sessionCookieCredential(
  sessions: SessionTokenVerifier,
  policy: CookiePolicy,
  csrf: CsrfCheck,
): CredentialVerifier {
  // An Authorization header wins: a request carrying one is judged by it alone.
  const cookieOf = (request: CredentialRequest) =>
    request.authorization === undefined ? readAccessCookie(request.c, policy) : undefined;
  return {
    name: "cookie",
    warm(request) {
      const token = cookieOf(request);
      const principal = token === undefined ? undefined : sessions.cached(token);
      if (principal !== undefined) csrf(request.c);
      return principal;
    },
    find: cookieOf,
    verify(token, request) {
      csrf(request.c);
      return sessions.verify(token);
    },
  };
}
