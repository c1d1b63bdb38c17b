/**
 * Turns every error into `application/problem+json` (RFC 9457) with a stable `code` and the
 * request's `trace_id`. The precise reason goes to the log, never to the client.
 * @module
 */
import type { Context, ErrorHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { ZodError } from "zod";
import { isDatabaseUnavailable } from "../db/errors.ts";
import { ProblemError, toProblemBody } from "../errors.ts";
import { RateLimitStoreError } from "../ratelimit/store.ts";
import { echoTraceId, newTraceId } from "./trace.ts";
import type { KeyshipEnv } from "./variables.ts";

/** Media type of every keyship error response. */
export const PROBLEM_CONTENT_TYPE = "application/problem+json";

function traceIdOf(c: Context): string {
  const existing = c.get("traceId") as string | undefined;
  if (existing !== undefined) return existing;
  const created = newTraceId();
  c.set("traceId", created);
  echoTraceId(c, created);
  return created;
}

/** The `WWW-Authenticate` value for a refused token (RFC 6750 §3). */
export const INVALID_TOKEN_CHALLENGE = 'Bearer error="invalid_token"';

/**
 * The challenge a 401 carries when its error sets none: RFC 9110 §15.5.2 requires one on every
 * 401, and RFC 6750 §3.1 says `invalid_token` when a token was presented and refused (every
 * `token.*` code); without a token, the bare scheme.
 */
function challengeOf(error: ProblemError): Record<string, string> {
  if (error.status !== 401 || error.headers["WWW-Authenticate"] !== undefined) return {};
  if (!error.code.startsWith("token.")) return { "WWW-Authenticate": "Bearer" };
  const description = error.code === "token.expired" ? ', error_description="expired"' : "";
  return { "WWW-Authenticate": `${INVALID_TOKEN_CHALLENGE}${description}` };
}

/**
 * Builds the problem response for `error`, with its headers, the 401 challenge (see
 * `challengeOf`) and `Cache-Control: no-store`.
 * @param c the request context
 * @param error the problem to answer with
 */
export function problemResponse(c: Context, error: ProblemError): Response {
  const body = toProblemBody(error, traceIdOf(c));
  const headers: Record<string, string> = {
    "Content-Type": PROBLEM_CONTENT_TYPE,
    "Cache-Control": "no-store",
    ...challengeOf(error),
    ...error.headers,
  };
  return c.body(JSON.stringify(body), error.status as 400, headers);
}

/**
 * The refusal of an oversized body. It closes the connection (`Connection: close`): the rest
 * of the body is still on its way and unwanted, so the connection must not carry another
 * request (a client reusing it would fail with "other side closed").
 */
export function bodyTooLarge(cause?: unknown): ProblemError {
  return new ProblemError("request.body_too_large", {
    headers: { Connection: "close" },
    ...(cause === undefined ? {} : { cause }),
  });
}

/** Maps an exception thrown by Hono or its middleware to one of our codes. */
function fromHttpException(error: HTTPException): ProblemError {
  switch (error.status) {
    case 400:
      return new ProblemError(
        /json/i.test(error.message) ? "request.malformed_json" : "validation.failed",
        { cause: error },
      );
    case 401:
      return new ProblemError("auth.unauthenticated", { cause: error });
    case 404:
      return new ProblemError("route.not_found", { cause: error });
    case 413:
      return bodyTooLarge(error);
    case 415:
      return new ProblemError("request.unsupported_media_type", { cause: error });
    default:
      return new ProblemError("internal.error", { cause: error });
  }
}

/** Translates any thrown value into a ProblemError (unknown errors become `internal.error`). */
export function toProblemError(error: unknown): ProblemError {
  if (error instanceof ProblemError) return error;
  if (error instanceof HTTPException) return fromHttpException(error);
  if (error instanceof ZodError) return new ProblemError("validation.failed", { cause: error });
  // A shared rate-limit store (Redis) that cannot count: refuse for now rather than let the
  // request through uncounted; its own cause (e.g. a `service_unavailable` of the Redis
  // connection) keeps its headers.
  if (error instanceof RateLimitStoreError) {
    return error.cause instanceof ProblemError
      ? error.cause
      : new ProblemError("service_unavailable", { headers: { "Retry-After": "2" }, cause: error });
  }
  if (isDatabaseUnavailable(error)) {
    return new ProblemError("service_unavailable", {
      headers: { "Retry-After": "2" },
      cause: error,
    });
  }
  return new ProblemError("internal.error", { cause: error });
}

/**
 * The error handler of every keyship router: logs the real cause with the trace id and
 * answers with a generic problem body.
 */
export const handleError: ErrorHandler<KeyshipEnv> = (error, c) => {
  const problem = toProblemError(error);
  const logger = c.get("logger");
  if (problem.status >= 500) {
    logger?.error({ err: error, trace_id: traceIdOf(c), code: problem.code }, "request failed");
  } else if (problem.warning !== undefined) {
    logger?.warn({ trace_id: traceIdOf(c), code: problem.code }, problem.warning);
  } else if (problem.cause !== undefined) {
    logger?.debug(
      { err: problem.cause, trace_id: traceIdOf(c), code: problem.code },
      "request refused",
    );
  }
  return problemResponse(c, problem);
};
