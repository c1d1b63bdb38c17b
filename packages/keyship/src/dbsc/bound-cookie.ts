/**
 * The DBSC-bound cookie: `__Host-<name>-bound` = `<session id>.<exp>.<mac>`, a MAC (HMAC-SHA256,
 * runtime.ts) over the session id and its expiry. It says "this browser proved the session's
 * key at most `dbscCookieTtl` ago"; only the refresh endpoint, given a signature by that key,
 * sets it. Checking it costs one HMAC and no database read.
 * @module
 */
import type { CookiePolicy } from "../sessions/runtime.ts";
import { SESSION_ID } from "./challenge.ts";
import type { DbscRuntime } from "./runtime.ts";

/** The bound cookie's attributes, as the session configuration names them to the browser. */
export const BOUND_COOKIE_ATTRIBUTES = "Path=/; Secure; HttpOnly; SameSite=Lax";

/** The name the browser sees: `__Host-` and the policy's base name (DBSC is HTTPS only). */
export function boundCookieName(policy: CookiePolicy): string {
  return `__Host-${policy.bound}`;
}

/**
 * A bound cookie value for `sessionId`, valid until `expSeconds`.
 * @example boundCookieValue(dbsc, "s…", dbsc.nowSeconds() + dbsc.cookieTtl)
 */
export function boundCookieValue(dbsc: DbscRuntime, sessionId: string, expSeconds: number): string {
  const text = `${sessionId}.${expSeconds}`;
  return `${text}.${dbsc.mac("bound-cookie", text)}`;
}

/**
 * The session id a bound cookie value proves, if its MAC is ours and it has not expired.
 * @param value the cookie's value
 * @returns the session id, or undefined
 */
export function verifyBoundCookie(dbsc: DbscRuntime, value: string): string | undefined {
  const known = dbsc.verifiedCookies.get(value);
  if (known !== undefined) return known;
  const [sessionId, exp, mac, extra] = value.split(".");
  if (extra !== undefined || sessionId === undefined || exp === undefined || mac === undefined) {
    return undefined;
  }
  if (!SESSION_ID.test(sessionId) || !/^\d{1,12}$/.test(exp)) return undefined;
  if (Number(exp) <= dbsc.nowSeconds()) return undefined;
  if (!dbsc.isMac("bound-cookie", `${sessionId}.${exp}`, mac)) return undefined;
  dbsc.verifiedCookies.set(value, sessionId, Number(exp) * 1000);
  return sessionId;
}
