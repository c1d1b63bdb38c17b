import { expect, it } from "vitest";
import * as publicApi from "../../src/llm/index.ts";

it("pins the runtime exports of keyship/llm", () => {
  expect(Object.keys(publicApi).sort()).toEqual([
    "DEFAULT_LLM_MAX_RETRIES",
    "DEFAULT_LLM_MODEL",
    "DEFAULT_LLM_TIMEOUT_MS",
    "LLM_ENV",
    "LLM_ERROR_CATALOG",
    "LlmError",
    "LlmNotConfiguredError",
    "LlmResponseError",
    "LlmStream",
    "LlmUpstreamError",
    "llm",
    "llmChatBodySchema",
    "llmChatHandler",
  ]);
});
