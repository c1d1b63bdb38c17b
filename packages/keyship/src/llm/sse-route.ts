/**
 * A Hono handler that streams a chat answer over Server-Sent Events.
 *
 * Wire format (one event per delta, then exactly one `done` or `error`):
 * ```text
 * data: {"delta":"Hel"}
 *
 * data: {"delta":"lo"}
 *
 * event: done
 * data: {"usage":{"promptTokens":9,"completionTokens":2,"totalTokens":11},"model":"…","finishReason":"stop"}
 * ```
 * or, when the provider fails mid-way, `event: error` with `{"code":"llm.timeout","title":"…"}`.
 * @module
 */
import type { Context, Handler } from "hono";
import type { SSEStreamingApi } from "hono/streaming";
import { streamSSE } from "hono/streaming";
import * as z from "zod";
import { KeyshipConfigError, ProblemError } from "../errors.ts";
import type { Llm } from "./client.ts";
import { type LlmError, toLlmError } from "./errors.ts";
import type { LlmUsage } from "./request.ts";
import type { LlmStream } from "./stream.ts";

/** Options of {@link llmChatHandler}. Validated once, when the handler is made. */
export interface LlmChatHandlerOptions {
  /**
   * The server's system prompt, sent before the client's messages. Clients can never send
   * their own: the body accepts only `user` and `assistant` roles.
   * @default none
   */
  readonly system?: string;
  /**
   * The model for this endpoint.
   * @default the `llm()` object's model
   */
  readonly model?: string;
  /**
   * Sampling temperature, 0 to 2.
   * @default the provider's default
   */
  readonly temperature?: number;
  /**
   * The most tokens one answer may have.
   * @default the provider's default
   */
  readonly maxTokens?: number;
  /**
   * The most messages one request may carry.
   * @default 50
   */
  readonly maxMessages?: number;
  /**
   * The most characters one message may have.
   * @default 8000
   */
  readonly maxMessageLength?: number;
  /**
   * Called with every provider failure before the `error` event is sent; log it here
   * (the client only sees the code and a generic title).
   * @default none
   */
  readonly onError?: (error: LlmError, c: Context) => void;
}

/** The SSE `data` of a delta event. */
export interface LlmSseDelta {
  readonly delta: string;
}

/** The SSE `data` of the `done` event. */
export interface LlmSseDone {
  readonly usage: LlmUsage | null;
  readonly model: string;
  readonly finishReason: string | null;
}

/** The SSE `data` of the `error` event: a stable code and a generic, user-safe title. */
export interface LlmSseError {
  readonly code: LlmError["code"];
  readonly title: string;
}

const DEFAULT_MAX_MESSAGES = 50;
const DEFAULT_MAX_MESSAGE_LENGTH = 8000;

/**
 * The request body of the chat endpoint: `{ messages: [{ role, content }] }`, roles
 * `user` or `assistant` only, ending with a `user` message. Unknown keys are refused.
 *
 * @param limits the most messages and characters per message
 * @returns the zod schema
 * @example
 * llmChatBodySchema({ maxMessages: 50, maxMessageLength: 8000 }).parse(await c.req.json());
 * @throws never
 */
export function llmChatBodySchema(limits: {
  readonly maxMessages: number;
  readonly maxMessageLength: number;
}) {
  const message = z.strictObject({
    role: z.enum(["user", "assistant"]),
    content: z.string().min(1).max(limits.maxMessageLength),
  });
  return z.strictObject({
    messages: z
      .array(message)
      .min(1)
      .max(limits.maxMessages)
      .refine((messages) => messages.at(-1)?.role === "user", {
        message: "The last message must be the user's.",
      }),
  });
}

function checkOptions(options: LlmChatHandlerOptions): void {
  const problems: string[] = [];
  const positive = (name: string, value: number | undefined) => {
    if (value !== undefined && (!Number.isSafeInteger(value) || value <= 0)) {
      problems.push(`llmChatHandler({ ${name} }) must be a positive integer.`);
    }
  };
  positive("maxMessages", options.maxMessages);
  positive("maxMessageLength", options.maxMessageLength);
  positive("maxTokens", options.maxTokens);
  if (problems.length > 0) throw new KeyshipConfigError(problems);
}

function isJsonContentType(value: string | undefined): boolean {
  const type = value?.split(";", 1)[0]?.trim().toLowerCase();
  return type === "application/json";
}

async function pipeToSse(
  answer: LlmStream,
  sse: SSEStreamingApi,
  report: (error: LlmError) => void,
): Promise<void> {
  sse.onAbort(() => answer.abort());
  try {
    for await (const delta of answer) {
      await sse.writeSSE({ data: JSON.stringify({ delta } satisfies LlmSseDelta) });
    }
    const result = await answer.final();
    const done: LlmSseDone = {
      usage: result.usage ?? null,
      model: result.model,
      finishReason: result.finishReason,
    };
    await sse.writeSSE({ event: "done", data: JSON.stringify(done) });
  } catch (error) {
    const failure = toLlmError(error);
    report(failure);
    if (sse.aborted) return;
    const body: LlmSseError = { code: failure.code, title: failure.title };
    await sse.writeSSE({ event: "error", data: JSON.stringify(body) });
  }
}

/**
 * Makes a Hono handler for a streaming chat endpoint. It reads `{ messages }` from a JSON
 * body, prepends the server's system prompt, and streams the answer as SSE: `data:`
 * events of `{"delta":"…"}`, then one `event: done` with usage, or one `event: error`
 * with a stable `llm.*` code. Put authentication (and a body size limit) in front of it.
 *
 * @param ai the client made by `llm()`
 * @param options the system prompt, model and body limits; see {@link LlmChatHandlerOptions}
 * @returns the handler
 * @example
 * const ai = llm();
 * app.post("/chat", requireUser(), llmChatHandler(ai, { system: "You are Keyship's helper." }));
 * @throws KeyshipConfigError (when made) for a limit that is not a positive integer
 * @throws ProblemError (per request) `request.unsupported_media_type` (415) when the body is
 *   not `application/json`, `request.malformed_json` (400), `validation.failed` (400) for a
 *   body that fails the schema
 * @throws LlmNotConfiguredError (per request, before streaming starts) with no API key
 */
export function llmChatHandler(ai: Llm, options: LlmChatHandlerOptions = {}): Handler {
  checkOptions(options);
  const bodySchema = llmChatBodySchema({
    maxMessages: options.maxMessages ?? DEFAULT_MAX_MESSAGES,
    maxMessageLength: options.maxMessageLength ?? DEFAULT_MAX_MESSAGE_LENGTH,
  });
  const { system, model, temperature, maxTokens, onError } = options;

  return async function llmChat(c: Context): Promise<Response> {
    if (!isJsonContentType(c.req.header("content-type"))) {
      throw new ProblemError("request.unsupported_media_type");
    }
    const body: unknown = await c.req.json().catch((cause: unknown) => {
      throw new ProblemError("request.malformed_json", { cause });
    });
    const parsed = bodySchema.safeParse(body);
    if (!parsed.success) throw new ProblemError("validation.failed", { cause: parsed.error });

    // Before the stream opens, so a missing key is an ordinary error response.
    const answer = ai.stream({
      system,
      messages: parsed.data.messages,
      model,
      temperature,
      maxTokens,
      signal: c.req.raw.signal,
    });
    const response = streamSSE(c, (sse) => pipeToSse(answer, sse, (error) => onError?.(error, c)));
    // The answer is private to the signed-in user.
    response.headers.set("Cache-Control", "no-store");
    return response;
  };
}
