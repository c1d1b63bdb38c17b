/**
 * CSRF protection of cookie mode (OWASP CSRF cheat sheet). A request authenticated by a cookie
 * and using an unsafe method must prove it comes from our own pages:
 *
 * 1. `Origin` present: it must be one of the configured origins;
 * 2. else `Sec-Fetch-Site` present: it must be `same-origin` or `same-site`;
 * 3. else (clients that send neither, e.g. scripts): the `X-CSRF-Token` header must equal the
 *    CSRF cookie (double submit; the `__Host-` prefix keeps subdomains from planting it).
 *
 * Requests authenticated by an `Authorization` header are not affected: browsers never attach
 * one on their own. JSON-only bodies (415 otherwise) already keep simple form posts out.
 * @module
 */
import { timingSafeEqual } from "node:crypto";
import type { Context, MiddlewareHandler } from "hono";
import type { Settings } from "../config/schema.ts";
import { ProblemError } from "../errors.ts";
import type { KeyshipEnv } from "../http/variables.ts";
import { hasSessionCookies, readCsrfCookie } from "./cookies.ts";
import type { CookiePolicy } from "./runtime.ts";

/** The header that carries the double-submit token. */
export const CSRF_HEADER = "x-csrf-token";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
const SAME_SITE = new Set(["same-origin", "same-site"]);

function sameBytes(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A check that throws unless the request passes; a no-op on safe methods. */
export type CsrfCheck = (c: Context) => void;

/**
 * Builds the CSRF check from the settings (expected origins never come from the request).
 * @throws ProblemError `auth.csrf_failed` (403) from the returned check
 */
export function createCsrfCheck(
  settings: Pick<Settings, "origins">,
  policy: CookiePolicy,
): CsrfCheck {
  const expectedOrigins = new Set(settings.origins);
  return function keyshipCsrfCheck(c) {
    if (SAFE_METHODS.has(c.req.method)) return;
    const origin = c.req.header("origin");
    const site = c.req.header("sec-fetch-site");
    if (site !== undefined && !SAME_SITE.has(site)) throw new ProblemError("auth.csrf_failed");
    if (origin !== undefined) {
      if (expectedOrigins.has(origin)) return;
      throw new ProblemError("auth.csrf_failed");
    }
    if (site !== undefined) return;
    const header = c.req.header(CSRF_HEADER);
    const cookie = readCsrfCookie(c, policy);
    if (header === undefined || cookie === undefined || !sameBytes(header, cookie)) {
      throw new ProblemError("auth.csrf_failed");
    }
  };
}

/**
 * Middleware for routes that read a session cookie themselves (the refresh route): runs the
 * check when the request carries session cookies.
 */
export function csrfForCookies(
  check: CsrfCheck,
  policy: CookiePolicy,
): MiddlewareHandler<KeyshipEnv> {
  return async function keyshipCsrfForCookies(c, next) {
    if (hasSessionCookies(c, policy)) check(c);
    await next();
  };
}
