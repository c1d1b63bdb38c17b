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
 * What `Origin` and `Sec-Fetch-Site` say: true for our own pages, false for another site,
 * undefined when the request sends neither (a script, not a browser).
 */
function originVerdict(c: Context, expectedOrigins: ReadonlySet<string>): boolean | undefined {
  const site = c.req.header("sec-fetch-site");
  if (site !== undefined && !SAME_SITE.has(site)) return false;
  const origin = c.req.header("origin");
  if (origin !== undefined) return expectedOrigins.has(origin);
  return site === undefined ? undefined : true;
}

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
    const verdict = originVerdict(c, expectedOrigins);
    if (verdict === true) return;
    if (verdict === false) throw new ProblemError("auth.csrf_failed");
    const header = c.req.header(CSRF_HEADER);
    const cookie = readCsrfCookie(c, policy);
    if (header === undefined || cookie === undefined || !sameBytes(header, cookie)) {
      throw new ProblemError("auth.csrf_failed");
    }
  };
}

/**
 * Login CSRF: a sign-in that asks for cookie mode must come from our own pages, or another
 * site could sign the browser into the attacker's account. Before sign-in there is no CSRF
 * cookie to double-submit, so a request with neither `Origin` nor `Sec-Fetch-Site` (a script,
 * which no other site can make a browser send) passes.
 * @param origins the configured origins
 * @throws ProblemError `auth.csrf_failed` (403) for a request from another site
 */
export function requireSameSiteSignIn(c: Context, origins: readonly string[]): void {
  if (originVerdict(c, new Set(origins)) === false) throw new ProblemError("auth.csrf_failed");
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
