/**
 * The errors of `keyship/llm` and the one place where OpenAI SDK errors are translated.
 *
 * Every failure of `chat()`, `stream()` and `json()` is an {@link LlmError} with a stable
 * `code` from {@link LLM_ERROR_CATALOG}. Callers switch on `code`, never on `message`.
 * The SDK's original error is kept as `cause`, for the log only.
 * @module
 */
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  PermissionDeniedError,
  RateLimitError,
} from "openai";
import type * as z from "zod";

/**
 * Every code an {@link LlmError} can carry, with a fixed, generic title that is safe to
 * show to an end user (the SSE route sends it in its `error` event).
 * Codes are `llm.snake_case`; a code never changes meaning once published.
 */
export const LLM_ERROR_CATALOG = {
  "llm.not_configured": { title: "The assistant is not configured." },
  "llm.timeout": { title: "The assistant took too long to answer." },
  "llm.rate_limited": { title: "The assistant is busy. Try again later." },
  "llm.unavailable": { title: "The assistant is unavailable." },
  "llm.auth_failed": { title: "The assistant is not configured." },
  "llm.bad_request": { title: "The assistant could not handle this request." },
  "llm.upstream_error": { title: "The assistant failed to answer." },
  "llm.aborted": { title: "The answer was cancelled." },
  "llm.empty_response": { title: "The assistant gave no answer." },
  "llm.invalid_json": { title: "The assistant's answer was not valid." },
  "llm.schema_mismatch": { title: "The assistant's answer was not valid." },
} as const satisfies Record<string, { readonly title: string }>;

/** A stable `keyship/llm` error code, e.g. `"llm.timeout"`. */
export type LlmErrorCode = keyof typeof LLM_ERROR_CATALOG;

/** The codes of {@link LlmUpstreamError}: the model provider failed or was cut off. */
export type LlmUpstreamErrorCode =
  | "llm.timeout"
  | "llm.rate_limited"
  | "llm.unavailable"
  | "llm.auth_failed"
  | "llm.bad_request"
  | "llm.upstream_error"
  | "llm.aborted";

/** The codes of {@link LlmResponseError}: the provider answered, but not usably. */
export type LlmResponseErrorCode =
  | "llm.empty_response"
  | "llm.invalid_json"
  | "llm.schema_mismatch";

/**
 * The base class of every `keyship/llm` error. Switch on `code`.
 *
 * @example
 * try {
 *   await ai.chat({ user: "Hi" });
 * } catch (error) {
 *   if (error instanceof LlmError && error.code === "llm.rate_limited") retryLater();
 * }
 * @throws never; it is what the client throws.
 */
export class LlmError extends Error {
  /** The stable code. */
  readonly code: LlmErrorCode;

  /**
   * @param code the stable code
   * @param message the precise reason, for the log (never shown to end users)
   * @param cause the foreign error behind it, for the log only
   */
  constructor(code: LlmErrorCode, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "LlmError";
    this.code = code;
  }

  /** The fixed, user-safe title of this error's code. */
  get title(): string {
    return LLM_ERROR_CATALOG[this.code].title;
  }
}

/**
 * Thrown when `chat()`, `stream()` or `json()` is called without an API key (or with an
 * unusable base URL). Nothing was sent. `variables` lists the environment variables that
 * would fix it, and the message names them.
 *
 * @example
 * if (error instanceof LlmNotConfiguredError) console.error(error.message);
 * // keyship/llm has no API key: set KEYSHIP_OPENAI_API_KEY or OPENAI_API_KEY, or pass `apiKey` to llm().
 * @throws never; it is what the client throws.
 */
export class LlmNotConfiguredError extends LlmError {
  declare readonly code: "llm.not_configured";
  /** The environment variables that would fix it, e.g. `["KEYSHIP_OPENAI_API_KEY", "OPENAI_API_KEY"]`. */
  readonly variables: readonly string[];

  /**
   * @param message what is missing and exactly which variable to set
   * @param variables the environment variables named in the message
   */
  constructor(message: string, variables: readonly string[]) {
    super("llm.not_configured", message);
    this.name = "LlmNotConfiguredError";
    this.variables = variables;
  }
}

/**
 * The model provider failed: it timed out, refused, rate-limited us (after the SDK's
 * retries), could not be reached, or the call was aborted.
 *
 * @example
 * if (error instanceof LlmUpstreamError && error.code === "llm.timeout") showSpinnerTimeout();
 * @throws never; it is what the client throws.
 */
export class LlmUpstreamError extends LlmError {
  declare readonly code: LlmUpstreamErrorCode;
  /** The provider's HTTP status, when it answered with one. */
  readonly status: number | undefined;
  /** The provider's request id (`x-request-id`), when it sent one; quote it to the provider. */
  readonly requestId: string | undefined;

  /**
   * @param code the stable code
   * @param message the precise reason, for the log
   * @param details the provider's status and request id, and the SDK error as `cause`
   */
  constructor(
    code: LlmUpstreamErrorCode,
    message: string,
    details: {
      readonly status?: number;
      readonly requestId?: string;
      readonly cause?: unknown;
    } = {},
  ) {
    super(code, message, details.cause);
    this.name = "LlmUpstreamError";
    this.status = details.status;
    this.requestId = details.requestId;
  }
}

/**
 * The provider answered, but the answer is unusable: empty, not JSON, or JSON that fails
 * the zod schema given to `json()`. `text` is the raw answer and `issues` the zod issues
 * (for `llm.schema_mismatch`), both for the log; never show them to end users.
 *
 * @example
 * if (error instanceof LlmResponseError && error.code === "llm.schema_mismatch") {
 *   logger.warn({ issues: error.issues }, "model answered off-schema");
 * }
 * @throws never; it is what `json()` throws.
 */
export class LlmResponseError extends LlmError {
  declare readonly code: LlmResponseErrorCode;
  /** The raw text the model answered. */
  readonly text: string;
  /** The zod issues, for `llm.schema_mismatch`; empty otherwise. */
  readonly issues: readonly z.core.$ZodIssue[];

  /**
   * @param code the stable code
   * @param message the precise reason, for the log
   * @param details the raw answer, the zod issues and the parse error as `cause`
   */
  constructor(
    code: LlmResponseErrorCode,
    message: string,
    details: {
      readonly text: string;
      readonly issues?: readonly z.core.$ZodIssue[];
      readonly cause?: unknown;
    },
  ) {
    super(code, message, details.cause);
    this.name = "LlmResponseError";
    this.text = details.text;
    this.issues = details.issues ?? [];
  }
}

/**
 * Translates any error raised while talking to the provider into an {@link LlmError}.
 * This is the one boundary between the OpenAI SDK and keyship: SDK errors never leave
 * `keyship/llm` except as `cause`.
 *
 * @param error what the SDK (or the stream) threw
 * @returns the same error if it already is an {@link LlmError}, otherwise a translation
 * @example
 * const failure = toLlmError(caught); // failure.code === "llm.rate_limited"
 * @throws never
 */
export function toLlmError(error: unknown): LlmError {
  if (error instanceof LlmError) return error;
  // Order matters: the timeout and abort errors are subclasses of APIConnectionError / APIError.
  if (error instanceof APIConnectionTimeoutError) {
    return new LlmUpstreamError("llm.timeout", "The model provider did not answer in time.", {
      cause: error,
    });
  }
  if (error instanceof APIUserAbortError) {
    return new LlmUpstreamError("llm.aborted", "The request to the model provider was aborted.", {
      cause: error,
    });
  }
  if (error instanceof APIConnectionError) {
    return new LlmUpstreamError("llm.unavailable", "The model provider could not be reached.", {
      cause: error,
    });
  }
  if (error instanceof APIError) {
    const details = { status: error.status, requestId: error.requestID ?? undefined, cause: error };
    const answered = `The model provider answered ${error.status ?? "an error event"}`;
    if (error instanceof RateLimitError) {
      return new LlmUpstreamError("llm.rate_limited", `${answered} (rate limited).`, details);
    }
    if (error instanceof AuthenticationError || error instanceof PermissionDeniedError) {
      return new LlmUpstreamError("llm.auth_failed", `${answered}: check the API key.`, details);
    }
    if (error.status === undefined) {
      return new LlmUpstreamError("llm.upstream_error", `${answered}.`, details);
    }
    if (error.status >= 500 || error.status === 408 || error.status === 409) {
      return new LlmUpstreamError("llm.unavailable", `${answered}.`, details);
    }
    return new LlmUpstreamError("llm.bad_request", `${answered}.`, details);
  }
  return new LlmUpstreamError("llm.upstream_error", "The model provider's answer broke off.", {
    cause: error,
  });
}
