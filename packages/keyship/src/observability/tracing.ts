/**
 * OpenTelemetry spans through `@opentelemetry/api` only. keyship never registers an SDK: when
 * the application registers none, every span is the API's no-op span and costs a few
 * allocations; when it registers one (see docs/observability.md), keyship's spans go wherever
 * that SDK exports them.
 * @module
 */
import {
  type Attributes,
  type Context,
  context,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  TraceFlags,
  type Tracer,
  trace,
} from "@opentelemetry/api";

/** The instrumentation scope of keyship's spans (the name of its tracer). */
export const KEYSHIP_TRACER_NAME = "keyship";

/**
 * keyship's tracer, looked up from the global provider at each call, so an SDK registered
 * after keyship was imported is still used.
 * @returns the tracer named {@link KEYSHIP_TRACER_NAME}
 * @example
 * const span = getKeyshipTracer().startSpan("cache.refresh");
 * span.end();
 */
export function getKeyshipTracer(): Tracer {
  return trace.getTracer(KEYSHIP_TRACER_NAME);
}

/** Options of {@link withSpan}. */
export interface WithSpanOptions {
  /** The span kind. @default SpanKind.INTERNAL */
  readonly kind?: SpanKind;
  /** The parent context. @default the active context */
  readonly parent?: Context;
}

/**
 * The `error.type` of a thrown value: its stable `code` when it has one (keyship's
 * `ProblemError`, Node system errors), else its class name. Never its message, which may hold
 * input, SQL values or a library's text.
 * @param error what was thrown
 * @returns a short, low-cardinality description
 */
export function errorType(error: unknown): string {
  if (typeof error === "object" && error !== null) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string" && code.length <= 64) return code;
    if (error instanceof Error) return error.name;
  }
  return "_OTHER";
}

/**
 * Marks a span as failed without recording the error's message or stack (they may contain
 * secrets or personal data); the precise reason belongs in the log, tied by trace id.
 * @param span the span to mark
 * @param error what was thrown
 */
export function markSpanFailed(span: Span, error: unknown): void {
  const type = errorType(error);
  span.setAttribute("error.type", type);
  span.setStatus({ code: SpanStatusCode.ERROR, message: type });
}

/**
 * Runs `fn` inside a new active span, ends the span when `fn` settles, and marks it failed if
 * `fn` throws (with `error.type`, never the message). Spans created inside `fn` — database
 * queries, nested `withSpan` calls — become its children when the application registered a
 * context manager (the OpenTelemetry Node SDK does).
 * @param name the span name, e.g. `keyship.signin.passkey`
 * @param attributes attributes set at start (never tokens, passwords or full emails)
 * @param fn the work; receives the span to add attributes or events
 * @param options `kind` (default INTERNAL) and `parent` (default the active context)
 * @returns what `fn` returns
 * @example
 * const user = await withSpan("keyship.signin.passkey", { "keyship.rp_id": rpId }, async (span) => {
 *   const result = await finishPasskeyLogin(ctx, body);
 *   span.setAttribute("user.id", result.userId);
 *   return result;
 * });
 * @throws whatever `fn` throws, unchanged
 */
export async function withSpan<T>(
  name: string,
  attributes: Attributes,
  fn: (span: Span) => T | Promise<T>,
  options: WithSpanOptions = {},
): Promise<T> {
  const spanOptions = { kind: options.kind ?? SpanKind.INTERNAL, attributes };
  const parent = options.parent ?? context.active();
  return getKeyshipTracer().startActiveSpan(name, spanOptions, parent, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      markSpanFailed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

const headerGetter: TextMapGetter<Headers> = {
  keys: (carrier) => [...carrier.keys()],
  get: (carrier, key) => carrier.get(key) ?? undefined,
};

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** W3C Trace Context §3.2: version 00, non-zero trace-id and parent-id. */
function parseTraceparent(value: string | null): Context | undefined {
  const match = value === null ? null : TRACEPARENT.exec(value.trim().toLowerCase());
  if (match === null) return undefined;
  const [, traceId = "", spanId = "", flags = "00"] = match;
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return undefined;
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId,
    spanId,
    traceFlags: Number.parseInt(flags, 16) & TraceFlags.SAMPLED,
    isRemote: true,
  });
}

/**
 * The parent context of an incoming request: whatever the registered propagator extracts from
 * the headers (the Node SDK registers W3C trace context and baggage by default), else a valid
 * W3C `traceparent` parsed here, so traces continue even with only a tracer provider
 * registered. Without either, the request starts a new trace.
 * @param headers the request headers
 * @returns the context to start the server span in
 */
export function extractRequestContext(headers: Headers): Context {
  const extracted = propagation.extract(ROOT_CONTEXT, headers, headerGetter);
  const found = trace.getSpanContext(extracted);
  if (found !== undefined && isSpanContextValid(found)) return extracted;
  return parseTraceparent(headers.get("traceparent")) ?? extracted;
}
