/**
 * The session instructions (the DBSC "session configuration" JSON) the registration and
 * refresh endpoints answer, built from the configured public origin only.
 * @module
 */
import type { CookiePolicy } from "../sessions/runtime.ts";
import { BOUND_COOKIE_ATTRIBUTES, boundCookieName } from "./bound-cookie.ts";
import { DBSC_ALGORITHMS } from "./proof.ts";
import type { DbscSessionConfig } from "./schemas.ts";

/** Where the refresh endpoint is, under the origin (keyship's routes are mounted at `/auth`). */
export const DBSC_REFRESH_PATH = "/auth/dbsc/refresh";

/** Where the registration endpoint is, under the origin. */
export const DBSC_REGISTER_PATH = "/auth/dbsc/register";

/**
 * The configuration of the DBSC session bound to `sessionId`: the whole origin is in scope
 * (not its sibling subdomains), and the one bound credential is the bound cookie.
 * @param origin the configured public origin the browser registered on
 * @param sessionId the keyship session id (DBSC's `session_identifier`)
 * @param policy the cookie names
 */
export function sessionConfig(
  origin: string,
  sessionId: string,
  policy: CookiePolicy,
): DbscSessionConfig {
  return {
    session_identifier: sessionId,
    refresh_url: `${origin}${DBSC_REFRESH_PATH}`,
    scope: { origin, include_site: false, scope_specification: [] },
    credentials: [
      { type: "cookie", name: boundCookieName(policy), attributes: BOUND_COOKIE_ATTRIBUTES },
    ],
  };
}

/**
 * The `Secure-Session-Registration` header value: the algorithms offered (an inner list of
 * tokens), the absolute registration URL and the challenge.
 * @example registrationHeader("https://app.example", "s….….….…")
 */
export function registrationHeader(origin: string, challenge: string): string {
  return `(${DBSC_ALGORITHMS.join(" ")});path="${origin}${DBSC_REGISTER_PATH}";challenge="${challenge}"`;
}
