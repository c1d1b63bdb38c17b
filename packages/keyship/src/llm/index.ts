/**
 * `keyship/llm`: a small LLM client on the OpenAI SDK (OpenAI or any OpenAI-compatible
 * server), with `chat()`, `stream()`, zod-validated `json()`, and a Hono SSE chat handler.
 *
 * @example
 * import { llm, llmChatHandler } from "keyship/llm";
 *
 * const ai = llm();
 * app.post("/chat", requireUser(), llmChatHandler(ai, { system: "Be helpful and brief." }));
 * @module
 */
export type { LlmChatResult } from "./chat.ts";
export { type Llm, llm } from "./client.ts";
export {
  DEFAULT_LLM_MAX_RETRIES,
  DEFAULT_LLM_MODEL,
  DEFAULT_LLM_TIMEOUT_MS,
  LLM_ENV,
  type LlmOptions,
} from "./config.ts";
export {
  LLM_ERROR_CATALOG,
  LlmError,
  type LlmErrorCode,
  LlmNotConfiguredError,
  LlmResponseError,
  type LlmResponseErrorCode,
  LlmUpstreamError,
  type LlmUpstreamErrorCode,
} from "./errors.ts";
export type { LlmJsonRequest, LlmJsonResult } from "./json.ts";
export type { LlmChatRequest, LlmFinishReason, LlmMessage, LlmUsage } from "./request.ts";
export {
  type LlmChatHandlerOptions,
  type LlmSseDelta,
  type LlmSseDone,
  type LlmSseError,
  llmChatBodySchema,
  llmChatHandler,
} from "./sse-route.ts";
export { LlmStream, type LlmStreamResult } from "./stream.ts";
