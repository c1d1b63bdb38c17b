/**
 * Trace ids: every response carries `X-Trace-Id`, and every problem body and log line of the
 * request carries the same id.
 * @module
 */
import { randomFillSync } from "node:crypto";
import type { Context } from "hono";
import { joinedHeader } from "./headers.ts";
import { nodeResponseOf, setAnswerHeader } from "./node.ts";

/** The response header that carries the request's trace id. */
export const TRACE_ID_HEADER = "X-Trace-Id";

const TRACE_ID = /^[0-9a-f]{32}$/;
const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;
const ZERO_TRACE = "0".repeat(32);

const ID_BYTES = 16;
const IDS_PER_FILL = 256;
const pool = Buffer.allocUnsafe(ID_BYTES * IDS_PER_FILL);
let nextId = IDS_PER_FILL;

/**
 * A new random 32-hex-character trace id (W3C trace-context compatible). Ids are cut from a
 * pool of CSPRNG bytes refilled every 256 ids: one `randomFillSync()` call serves many
 * requests, which keeps the per-request cost to a hex encoding.
 */
export function newTraceId(): string {
  if (nextId === IDS_PER_FILL) {
    randomFillSync(pool);
    nextId = 0;
  }
  const start = nextId++ * ID_BYTES;
  const id = pool.toString("hex", start, start + ID_BYTES);
  // W3C: all zeroes is invalid. 2^-128, but the rule costs one comparison.
  return id === ZERO_TRACE ? newTraceId() : id;
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

/**
 * The trace id the request brings: its valid `X-Trace-Id` or `traceparent` (see
 * {@link traceIdFrom}), else a new one.
 */
export function incomingTraceId(c: Context): string {
  return traceIdFrom(joinedHeader(c, "x-trace-id"), joinedHeader(c, "traceparent"));
}

/** Puts `X-Trace-Id: traceId` on the response (on Node's response when served by Node). */
export function echoTraceId(c: Context, traceId: string): void {
  setAnswerHeader(c, TRACE_ID_HEADER, traceId);
}

/** Whether the response already carries `X-Trace-Id` (on Node's response or on `c.res`). */
export function hasTraceIdHeader(c: Context): boolean {
  return (
    nodeResponseOf(c)?.hasHeader(TRACE_ID_HEADER) === true || c.res.headers.has(TRACE_ID_HEADER)
  );
}
