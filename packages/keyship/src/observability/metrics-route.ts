/**
 * The `/metrics` handler: the registry in Prometheus text format, optionally behind a bearer
 * token.
 * @module
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { Handler } from "hono";
import { ProblemError } from "../errors.ts";
import { problemResponse } from "../http/problem.ts";
import type { KeyshipEnv } from "../http/variables.ts";
import { PROMETHEUS_CONTENT_TYPE, renderMetrics } from "./metrics.ts";

/** Options of {@link metricsHandler}. */
export interface MetricsHandlerOptions {
  /**
   * A bearer token scrapers must send (`Authorization: Bearer <token>`), or none for an open
   * endpoint (keep it on a private network then).
   * @default none
   */
  readonly token?: string;
}

function sha256(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

/** RFC 6750 §2.1: `Authorization: Bearer <b64token>`; the scheme is case-insensitive. */
function bearerOf(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^Bearer +([^\s]+)\s*$/i.exec(header);
  return match?.[1];
}

/**
 * A handler serving {@link renderMetrics} as `text/plain; version=0.0.4`, with
 * `Cache-Control: no-store`. With a `token`, other requests get a 401 problem
 * (`auth.unauthenticated`) with `WWW-Authenticate: Bearer`; tokens are compared in constant
 * time over their SHA-256 digests, so neither content nor length leaks through timing.
 * @param options `token` (default none)
 * @returns the handler
 * @example
 * app.get("/internal/metrics", metricsHandler({ token: process.env.KEYSHIP_METRICS_TOKEN }));
 */
export function metricsHandler(options: MetricsHandlerOptions = {}): Handler<KeyshipEnv> {
  const expected = options.token === undefined ? undefined : sha256(options.token);
  return function keyshipMetrics(c) {
    if (expected !== undefined) {
      const presented = bearerOf(c.req.header("authorization"));
      // SECURITY: constant-time comparison of fixed-length digests.
      if (presented === undefined || !timingSafeEqual(sha256(presented), expected)) {
        const challenge =
          presented === undefined
            ? 'Bearer realm="metrics"'
            : 'Bearer realm="metrics", error="invalid_token"';
        return problemResponse(
          c,
          new ProblemError("auth.unauthenticated", { headers: { "WWW-Authenticate": challenge } }),
        );
      }
    }
    return c.body(renderMetrics(), 200, {
      "Content-Type": PROMETHEUS_CONTENT_TYPE,
      "Cache-Control": "no-store",
    });
  };
}
