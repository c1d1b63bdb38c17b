/**
 * The DBSC-bound cookie on requests and answers: reading the session it proves, and setting a
 * fresh one (bound-cookie.ts has the format).
 * @module
 */
import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { hasRequestHeader } from "../http/headers.ts";
import type { CookiePolicy } from "../sessions/runtime.ts";
import { boundCookieValue, verifyBoundCookie } from "./bound-cookie.ts";
import type { DbscRuntime } from "./runtime.ts";

/**
 * The session id the request's bound cookie proves, if any.
 * @param c the request
 * @param policy the cookie names
 * @param dbsc the MAC key and clock
 */
export function readBoundSession(
  c: Context,
  policy: CookiePolicy,
  dbsc: DbscRuntime,
): string | undefined {
  if (!policy.secure || !hasRequestHeader(c, "cookie")) return undefined;
  const value = getCookie(c, policy.bound, "host");
  return value === undefined || value === "" ? undefined : verifyBoundCookie(dbsc, value);
}

/** Sets a fresh bound cookie for `sessionId`, living `dbscCookieTtl`. */
export function setBoundCookie(
  c: Context,
  policy: CookiePolicy,
  dbsc: DbscRuntime,
  sessionId: string,
): void {
  const value = boundCookieValue(dbsc, sessionId, dbsc.nowSeconds() + dbsc.cookieTtl);
  setCookie(c, policy.bound, value, {
    prefix: "host",
    httpOnly: true,
    sameSite: "Lax",
    maxAge: dbsc.cookieTtl,
  });
}
