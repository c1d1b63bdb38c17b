/**
 * One chat completion: send a conversation, get the whole answer.
 * @module
 */
import type OpenAI from "openai";
import type { ChatCompletion } from "openai/resources/chat/completions";
import { toLlmError } from "./errors.ts";
import {
  type LlmChatRequest,
  type LlmFinishReason,
  type LlmUsage,
  toCompletionParams,
  toLlmUsage,
} from "./request.ts";

/** The answer of `chat()`. */
export interface LlmChatResult {
  /** The answer's text; `""` when the model gave none (e.g. a refusal). */
  readonly text: string;
  /** Token counts, or `undefined` when the provider reported none. */
  readonly usage: LlmUsage | undefined;
  /** The model that answered, as the provider names it. */
  readonly model: string;
  /** Why the model stopped. */
  readonly finishReason: LlmFinishReason;
  /** The provider's full response, for anything not mapped here. */
  readonly raw: ChatCompletion;
}

/**
 * Sends one non-streaming chat completion.
 *
 * @param client the OpenAI SDK client (timeout and retries configured on it)
 * @param defaultModel the model used when the request names none
 * @param request the call
 * @returns the answer
 * @example
 * const { text } = await sendChat(client, "gpt-4.1-mini", { user: "Hi" });
 * @throws LlmUpstreamError (`llm.timeout`, `llm.rate_limited`, `llm.unavailable`,
 *   `llm.auth_failed`, `llm.bad_request`, `llm.upstream_error`, `llm.aborted`)
 */
export async function sendChat(
  client: OpenAI,
  defaultModel: string,
  request: LlmChatRequest,
): Promise<LlmChatResult> {
  const params = { ...toCompletionParams(request, defaultModel), stream: false as const };
  let completion: ChatCompletion;
  try {
    completion = await client.chat.completions.create(params, { signal: request.signal ?? null });
  } catch (error) {
    throw toLlmError(error);
  }
  const choice = completion.choices[0];
  return {
    text: choice?.message.content ?? "",
    usage: toLlmUsage(completion.usage),
    model: completion.model,
    finishReason: choice?.finish_reason ?? null,
    raw: completion,
  };
}
