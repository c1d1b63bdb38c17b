/**
 * Secure response headers and CORS, set by keyship's base middleware on every answer:
 * `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`, HSTS when
 * `hstsMaxAgeSeconds` is above 0 (production's default), and CORS only for the origins in
 * `corsOrigins` (off when empty, never `*`). keyship's own HTML pages (`/docs`) add a CSP.
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import type { Settings } from "../config/schema.ts";
import { setAnswerHeaders } from "./node.ts";
import { TRACE_ID_HEADER } from "./trace.ts";
import type { KeyshipEnv } from "./variables.ts";

/**
 * The CSP of keyship's own HTML pages: scripts and styles from our origin only (inline styles,
 * which Swagger UI sets), nothing may frame them, no plugins, no `<base>` tricks.
 */
export const HTML_PAGE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "Content-Security-Policy":
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'",
  "X-Frame-Options": "DENY",
});

/** The request headers a cross-origin page may send (preflight). */
const CORS_REQUEST_HEADERS = [
  "Authorization",
  "DPoP",
  "Content-Type",
  "X-CSRF-Token",
  "X-Trace-Id",
  "traceparent",
];
/** The answer headers a cross-origin page may read. */
const CORS_EXPOSED_HEADERS = ["X-Trace-Id", "WWW-Authenticate", "Retry-After", "DPoP-Nonce"];

/**
 * The step that sets the headers of every answer: `X-Trace-Id` and the secure headers, with
 * one lookup of Node's response for all of them (`setAnswerHeaders`).
 * @param settings `hstsMaxAgeSeconds`
 */
export function secureHeaders(
  settings: Pick<Settings, "hstsMaxAgeSeconds">,
): (c: Context<KeyshipEnv>, traceId: string) => void {
  const headers: Array<readonly [string, string]> = [
    ["X-Content-Type-Options", "nosniff"],
    ["Referrer-Policy", "no-referrer"],
  ];
  if (settings.hstsMaxAgeSeconds > 0) {
    headers.push([
      "Strict-Transport-Security",
      `max-age=${settings.hstsMaxAgeSeconds}; includeSubDomains`,
    ]);
  }
  return function keyshipAnswerHeaders(c, traceId) {
    setAnswerHeaders(c, [[TRACE_ID_HEADER, traceId], ...headers]);
  };
}

/**
 * CORS for the configured origins, with credentials (cookie mode); undefined when none are
 * configured, so that CORS costs nothing while off.
 * @param settings `corsOrigins`
 */
export function corsFor(
  settings: Pick<Settings, "corsOrigins">,
): MiddlewareHandler<KeyshipEnv> | undefined {
  if (settings.corsOrigins.length === 0) return undefined;
  const allowed = new Set(settings.corsOrigins);
  return cors({
    // Echo the caller's origin only when it is listed: never `*` with credentials.
    origin: (origin) => (allowed.has(origin) ? origin : null),
    credentials: true,
    allowMethods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"],
    allowHeaders: CORS_REQUEST_HEADERS,
    exposeHeaders: CORS_EXPOSED_HEADERS,
    maxAge: 600,
  });
}
