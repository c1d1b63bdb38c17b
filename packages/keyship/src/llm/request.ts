/**
 * The request and usage shapes shared by `chat()`, `stream()` and `json()`, and their
 * mapping to the chat completions API.
 * @module
 */
import type {
  ChatCompletionCreateParamsBase,
  ChatCompletionMessageParam,
} from "openai/resources/chat/completions";
import type { CompletionUsage } from "openai/resources/completions";

/** One message of a conversation. */
export interface LlmMessage {
  /** Who speaks. Only server code may send `"system"`; the SSE route refuses it from clients. */
  readonly role: "system" | "user" | "assistant";
  /** What they say. */
  readonly content: string;
}

/**
 * One call to the model. Give `user`, `messages`, or both: the conversation sent is
 * `system`, then `messages`, then `user`.
 */
export interface LlmChatRequest {
  /** The system prompt, sent first. */
  readonly system?: string;
  /** The user's message, sent last. */
  readonly user?: string;
  /** Earlier turns of the conversation, sent between `system` and `user`. */
  readonly messages?: readonly LlmMessage[];
  /**
   * The model for this call.
   * @default the `llm()` object's model
   */
  readonly model?: string;
  /**
   * Sampling temperature, 0 to 2.
   * @default the provider's default
   */
  readonly temperature?: number;
  /**
   * The most tokens the answer may have (sent as `max_completion_tokens`).
   * @default the provider's default
   */
  readonly maxTokens?: number;
  /**
   * `"json_object"` asks for a single JSON object (the conversation must mention JSON).
   * Prefer `json()`, which also validates the answer.
   * @default "text"
   */
  readonly responseFormat?: "text" | "json_object";
  /** Aborts the call (and a stream) when it fires; the call then fails with `llm.aborted`. */
  readonly signal?: AbortSignal;
}

/** Token counts reported by the provider. */
export interface LlmUsage {
  /** Tokens of the conversation sent. */
  readonly promptTokens: number;
  /** Tokens of the answer. */
  readonly completionTokens: number;
  /** Their sum, as the provider counts it. */
  readonly totalTokens: number;
}

/** Why the model stopped: `"stop"`, `"length"`, `"content_filter"`, … or `null` if unknown. */
export type LlmFinishReason = string | null;

/**
 * Builds the message list `system`, `messages`, `user`.
 *
 * @param request the call
 * @returns the messages in chat completions form
 * @example
 * toCompletionMessages({ system: "Be brief.", user: "Hi" }).length; // 2
 * @throws TypeError when the request has no `user` and no non-system `messages`
 */
export function toCompletionMessages(request: LlmChatRequest): ChatCompletionMessageParam[] {
  const messages: ChatCompletionMessageParam[] = [];
  if (request.system) messages.push({ role: "system", content: request.system });
  for (const message of request.messages ?? []) {
    messages.push({ role: message.role, content: message.content });
  }
  if (request.user !== undefined) messages.push({ role: "user", content: request.user });
  if (messages.every((message) => message.role === "system")) {
    throw new TypeError("keyship/llm: a call needs `user` or at least one user/assistant message.");
  }
  return messages;
}

/**
 * Maps a request to the chat completions body, without the `stream` flag.
 *
 * @param request the call
 * @param defaultModel the model used when the request names none
 * @returns the request body
 * @example
 * toCompletionParams({ user: "Hi", maxTokens: 50 }, "gpt-4.1-mini").max_completion_tokens; // 50
 * @throws TypeError from {@link toCompletionMessages}
 */
export function toCompletionParams(
  request: LlmChatRequest,
  defaultModel: string,
): ChatCompletionCreateParamsBase {
  const params: ChatCompletionCreateParamsBase = {
    model: request.model ?? defaultModel,
    messages: toCompletionMessages(request),
  };
  if (request.temperature !== undefined) params.temperature = request.temperature;
  if (request.maxTokens !== undefined) params.max_completion_tokens = request.maxTokens;
  if (request.responseFormat === "json_object") params.response_format = { type: "json_object" };
  return params;
}

/**
 * Maps the provider's usage to {@link LlmUsage}.
 *
 * @param usage the `usage` member of a completion or of the last stream chunk
 * @returns the token counts, or `undefined` when the provider sent none
 * @example
 * toLlmUsage({ prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 })?.totalTokens; // 5
 * @throws never
 */
export function toLlmUsage(usage: CompletionUsage | null | undefined): LlmUsage | undefined {
  if (!usage) return undefined;
  return {
    promptTokens: usage.prompt_tokens,
    completionTokens: usage.completion_tokens,
    totalTokens: usage.total_tokens,
  };
}
