/**
 * The request middleware: one server span, one log line and one latency observation per
 * request, all tied to the request's trace id.
 * @module
 */
import { type Attributes, type Span, SpanKind, SpanStatusCode } from "@opentelemetry/api";
import type { Context, MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import { echoTraceId, hasTraceIdHeader, incomingTraceId } from "../http/trace.ts";
import type { KeyshipEnv } from "../http/variables.ts";
import type { Logger } from "./logger.ts";
import { observeHttpRequest } from "./metrics.ts";
import { errorType, extractRequestContext, getKeyshipTracer } from "./tracing.ts";

/** Options of {@link observeRequests}. */
export interface ObserveRequestsOptions {
  /**
   * The logger request lines go to.
   * @default `c.var.logger` (set by keyship's middleware), else `fallbackLogger`
   */
  readonly logger?: Logger;
  /** The logger for apps where nothing set `c.var.logger` (plain Hono apps). */
  readonly fallbackLogger?: Logger;
  /**
   * Whether to observe `keyship_http_request_duration_seconds`.
   * @default true
   */
  readonly recordMetrics?: boolean;
}

const KNOWN_METHODS = new Set([
  "GET",
  "HEAD",
  "POST",
  "PUT",
  "PATCH",
  "DELETE",
  "OPTIONS",
  "CONNECT",
  "TRACE",
  "QUERY",
]);

/** OpenTelemetry HTTP semantic conventions: unknown methods become `_OTHER` (bounded labels). */
function normalizeMethod(method: string): string {
  const upper = method.toUpperCase();
  return KNOWN_METHODS.has(upper) ? upper : "_OTHER";
}

const OBSERVED = Symbol("keyship.observed");

/**
 * The route pattern that answered (`/users/:id`), never the raw path: after `next()`, Hono's
 * route index points at the handler (or middleware) that produced the response.
 */
function routeOf(c: Context): string {
  return routePath(c) || "(unmatched)";
}

/** c.var.traceId when keyship's middleware already set it; else continue or create one. */
function ensureTraceId(c: Context<KeyshipEnv>): string {
  const existing = c.get("traceId") as string | undefined;
  if (existing !== undefined) return existing;
  const created = incomingTraceId(c);
  c.set("traceId", created);
  echoTraceId(c, created);
  return created;
}

interface Outcome {
  readonly method: string;
  readonly route: string;
  readonly status: number;
  readonly durationMs: number;
  readonly traceId: string;
  readonly userId: string | undefined;
}

function finishSpan(span: Span, outcome: Outcome, error: unknown): void {
  if (!span.isRecording()) return;
  span.updateName(`${outcome.method} ${outcome.route}`);
  const attributes: Attributes = {
    "keyship.trace_id": outcome.traceId,
    "http.route": outcome.route,
    "http.response.status_code": outcome.status,
  };
  if (outcome.userId !== undefined) attributes["user.id"] = outcome.userId;
  span.setAttributes(attributes);
  // HTTP semconv: a server span is an error for 5xx only; 4xx are the client's.
  if (outcome.status >= 500) {
    const type = error === undefined ? String(outcome.status) : errorType(error);
    span.setAttribute("error.type", type);
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
}

function logLine(logger: Logger | undefined, outcome: Outcome, span: Span | undefined): void {
  if (logger === undefined) return;
  const line: Record<string, unknown> = {
    method: outcome.method,
    route: outcome.route,
    status: outcome.status,
    duration_ms: Math.round(outcome.durationMs * 100) / 100,
    trace_id: outcome.traceId,
  };
  if (outcome.userId !== undefined) line.user_id = outcome.userId;
  if (span !== undefined) {
    const spanContext = span.spanContext();
    line.span_id = spanContext.spanId;
    if (spanContext.traceId !== outcome.traceId) line.otel_trace_id = spanContext.traceId;
  }
  logger[outcome.status >= 500 ? "error" : "info"](line, "request");
}

/**
 * Middleware that observes every request:
 * - makes sure the response carries `X-Trace-Id` (reusing `c.var.traceId` when keyship's
 *   middleware set it; otherwise continuing `X-Trace-Id` / `traceparent` or creating one);
 * - runs the rest of the chain inside an OpenTelemetry SERVER span named `GET /users/:id`,
 *   continuing an incoming `traceparent`, with `http.request.method`, `http.route`,
 *   `http.response.status_code`, `keyship.trace_id` and `user.id`;
 * - writes one log line: `method`, `route` (the pattern, never the URL or query string),
 *   `status`, `duration_ms`, `trace_id`, `user_id` (when signed in), and `span_id` when an
 *   OpenTelemetry SDK records the span;
 * - observes `keyship_http_request_duration_seconds{method,route,status}`.
 *
 * Installed twice on the same request (app and mounted router), it observes once.
 * Place it first to also observe requests refused by earlier middleware.
 * @param options `logger`, `fallbackLogger`, `recordMetrics` (default true)
 * @returns the middleware
 * @example
 * const app = new Hono();
 * app.use("*", observeRequests({ fallbackLogger: createLogger() }));
 */
export function observeRequests(
  options: ObserveRequestsOptions = {},
): MiddlewareHandler<KeyshipEnv> {
  const recordMetrics = options.recordMetrics ?? true;
  return async function keyshipObserveRequests(c, next) {
    const raw = c.req.raw as Request & { [OBSERVED]?: true };
    if (raw[OBSERVED]) return next();
    raw[OBSERVED] = true;

    const started = performance.now();
    const incomingTraceId = ensureTraceId(c);
    const ownLogger = options.logger ?? options.fallbackLogger;
    if (c.get("logger") === undefined && ownLogger !== undefined) c.set("logger", ownLogger);
    const method = normalizeMethod(c.req.method);
    const parent = extractRequestContext(c.req.raw.headers);
    const attributes: Attributes = { "http.request.method": method };
    const spanOptions = { kind: SpanKind.SERVER, attributes };

    await getKeyshipTracer().startActiveSpan(method, spanOptions, parent, async (span) => {
      let thrown: unknown;
      try {
        await next();
      } catch (error) {
        thrown = error;
        throw error;
      } finally {
        // Middleware that ran after us (keyship's requestContext) may have settled the id.
        const traceId = c.get("traceId") ?? incomingTraceId;
        if (!hasTraceIdHeader(c)) echoTraceId(c, traceId);
        const outcome: Outcome = {
          method,
          route: routeOf(c),
          // An error escaping here is answered 500 by Hono's own handler.
          status: thrown === undefined ? c.res.status : 500,
          durationMs: performance.now() - started,
          traceId,
          userId: c.get("principal")?.userId,
        };
        const recording = span.isRecording();
        finishSpan(span, outcome, thrown ?? c.error);
        span.end();
        if (recordMetrics) {
          const route = outcome.route;
          observeHttpRequest(method, route, outcome.status, outcome.durationMs / 1000);
        }
        logLine(options.logger ?? c.get("logger"), outcome, recording ? span : undefined);
      }
    });
  };
}
