/**
 * Cookie mode: the session's tokens in `HttpOnly` cookies. `__Host-` prefix, `Secure`,
 * `SameSite=Lax`, `Path=/` (SECURITY.md); on plain-http localhost in development the
 * prefix and `Secure` are dropped, since browsers refuse them without HTTPS.
 * @module
 */
import { randomBytes } from "node:crypto";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { CookieOptions } from "hono/utils/cookie";
import { hasRequestHeader } from "../http/headers.ts";
import type { IssuedSession } from "./issue.ts";
import type { CookiePolicy } from "./runtime.ts";

function options(policy: CookiePolicy, httpOnly: boolean, maxAge: number): CookieOptions {
  return policy.secure
    ? { prefix: "host", httpOnly, sameSite: "Lax", maxAge }
    : { path: "/", httpOnly, sameSite: "Lax", maxAge };
}

function read(c: Context, policy: CookiePolicy, name: string): string | undefined {
  // Most API requests carry no cookies: skip parsing (this runs for every anonymous request).
  if (!hasRequestHeader(c, "cookie")) return undefined;
  const value = policy.secure ? getCookie(c, name, "host") : getCookie(c, name);
  return value === undefined || value === "" ? undefined : value;
}

/** A new double-submit CSRF token (random, not secret from the page, only from other sites). */
export function newCsrfToken(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * Sets the access, refresh and CSRF cookies of a session. The CSRF cookie is readable by the
 * page (not `HttpOnly`): clients echo it in `X-CSRF-Token`.
 * @returns the CSRF token
 */
export function setSessionCookies(
  c: Context,
  policy: CookiePolicy,
  session: IssuedSession,
): string {
  const csrf = newCsrfToken();
  setCookie(c, policy.access, session.accessToken, options(policy, true, session.expiresIn));
  setCookie(c, policy.refresh, session.refreshToken, options(policy, true, policy.refreshMaxAge));
  setCookie(c, policy.csrf, csrf, options(policy, false, policy.refreshMaxAge));
  return csrf;
}

/** Expires the three session cookies. */
export function clearSessionCookies(c: Context, policy: CookiePolicy): void {
  for (const name of [policy.access, policy.refresh, policy.csrf]) {
    deleteCookie(c, name, options(policy, name !== policy.csrf, 0));
  }
}

/** Expires the access-token cookie alone (the refresh cookie may still renew it). */
export function clearAccessCookie(c: Context, policy: CookiePolicy): void {
  deleteCookie(c, policy.access, options(policy, true, 0));
}

/** The access token from its cookie, if any. */
export function readAccessCookie(c: Context, policy: CookiePolicy): string | undefined {
  return read(c, policy, policy.access);
}

/** The refresh token from its cookie, if any. */
export function readRefreshCookie(c: Context, policy: CookiePolicy): string | undefined {
  return read(c, policy, policy.refresh);
}

/** The CSRF token from its cookie, if any. */
export function readCsrfCookie(c: Context, policy: CookiePolicy): string | undefined {
  return read(c, policy, policy.csrf);
}

/** True when the request carries any session cookie. */
export function hasSessionCookies(c: Context, policy: CookiePolicy): boolean {
  return readAccessCookie(c, policy) !== undefined || readRefreshCookie(c, policy) !== undefined;
}
