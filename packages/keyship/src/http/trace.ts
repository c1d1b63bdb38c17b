/**
 * Trace ids: every response carries `X-Trace-Id`, and every problem body and log line of the
 * request carries the same id.
 * @module
 */
import { randomUUID } from "node:crypto";

const TRACE_ID = /^[0-9a-f]{32}$/;
const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;
const ZERO_TRACE = "0".repeat(32);

/**
 * A new random 32-hex-character trace id (W3C trace-context compatible). Built from
 * `randomUUID()`, whose entropy comes from a pre-filled buffer: far cheaper per request than
 * a `randomBytes()` call.
 */
export function newTraceId(): string {
  return randomUUID().replaceAll("-", "");
}

/**
 * The trace id to use for a request: a valid incoming `X-Trace-Id` (32 lowercase hex), else
 * the trace-id of a valid W3C `traceparent`, else a new one. Anything else is ignored, so an
 * attacker cannot inject text into logs.
 */
export function traceIdFrom(xTraceId: string | undefined, traceparent: string | undefined): string {
  const direct = xTraceId?.trim().toLowerCase();
  if (direct !== undefined && TRACE_ID.test(direct) && direct !== ZERO_TRACE) return direct;
  const match =
    traceparent === undefined ? null : TRACEPARENT.exec(traceparent.trim().toLowerCase());
  if (match?.[1] !== undefined && match[1] !== ZERO_TRACE) return match[1];
  return newTraceId();
}
