/**
 * `llm()`: the configured client with `chat()`, `stream()` and `json()`.
 * @module
 */
import OpenAI from "openai";
import type * as z from "zod";
import { wrapOpenAIForLangSmith } from "../observability/langsmith.ts";
import { type LlmChatResult, sendChat } from "./chat.ts";
import { assertLlmUsable, type LlmOptions, resolveLlmSettings } from "./config.ts";
import { type LlmJsonRequest, type LlmJsonResult, sendJson } from "./json.ts";
import { type LlmChatRequest, toCompletionParams } from "./request.ts";
import { LlmStream } from "./stream.ts";

/** A configured LLM client, made by {@link llm}. */
export interface Llm {
  /** True when an API key (and a usable base URL) is set, so calls can be made. */
  readonly isConfigured: boolean;
  /** The model used when a call names none. */
  readonly model: string;
  /**
   * Sends a conversation and waits for the whole answer.
   * @param request the call: `system`, `user`, `messages`, `model`, `temperature`, …
   * @returns the answer's `text`, `usage`, `model`, `finishReason` and `raw` response
   * @throws LlmNotConfiguredError (`llm.not_configured`) with no key; nothing is sent
   * @throws LlmUpstreamError (`llm.timeout`, `llm.rate_limited`, `llm.unavailable`,
   *   `llm.auth_failed`, `llm.bad_request`, `llm.upstream_error`, `llm.aborted`)
   */
  chat(request: LlmChatRequest): Promise<LlmChatResult>;
  /**
   * Streams the answer as text deltas; see {@link LlmStream}. The request starts when the
   * stream is first read.
   * @param request the call
   * @returns an async iterable of deltas with `usage` and `final()`
   * @throws LlmNotConfiguredError (`llm.not_configured`), synchronously, with no key
   */
  stream(request: LlmChatRequest): LlmStream;
  /**
   * Asks for one JSON object and validates it with a zod schema.
   * @param schema the zod schema the answer must satisfy
   * @param request the call
   * @returns the validated `data` and what `chat()` returns
   * @throws LlmNotConfiguredError (`llm.not_configured`) with no key
   * @throws LlmResponseError (`llm.empty_response`, `llm.invalid_json`, `llm.schema_mismatch`)
   * @throws LlmUpstreamError as `chat()`
   */
  json<S extends z.core.$ZodType>(
    schema: S,
    request: LlmJsonRequest,
  ): Promise<LlmJsonResult<z.output<S>>>;
}

/**
 * Creates an LLM client on the OpenAI SDK, for OpenAI or any OpenAI-compatible server.
 * Creating it never contacts the provider and never throws for missing configuration, so
 * apps can create it at startup; the first call throws {@link LlmNotConfiguredError}
 * instead, naming the variable to set.
 *
 * @param options `apiKey`, `baseURL`, `model`, `timeoutMs` (default 30000), `maxRetries`
 *   (default 2); see {@link LlmOptions} for the environment variables behind each
 * @returns the client
 * @example
 * import { llm } from "keyship/llm";
 * import * as z from "zod";
 *
 * const ai = llm(); // OPENAI_API_KEY, OPENAI_BASE_URL, KEYSHIP_LLM_MODEL
 * const { text } = await ai.chat({ system: "Be brief.", user: "What is a passkey?" });
 * const { data } = await ai.json(z.object({ spam: z.boolean() }), { user: "Is 'WIN $$$' spam?" });
 * @throws KeyshipConfigError when `timeoutMs` or `maxRetries` is not a valid integer
 */
export function llm(options: LlmOptions = {}): Llm {
  const settings = resolveLlmSettings(options);
  let client: OpenAI | undefined;
  let traced: Promise<OpenAI> | undefined;

  // Throws before anything is sent when there is no key; builds the SDK client once.
  function getClient(): OpenAI {
    const apiKey = assertLlmUsable(settings);
    client ??= new OpenAI({
      apiKey,
      baseURL: settings.baseURL ?? null,
      timeout: settings.timeoutMs,
      maxRetries: settings.maxRetries,
    });
    return client;
  }

  // The SDK client, wrapped for LangSmith when tracing is on (a no-op otherwise).
  function getSdk(): Promise<OpenAI> {
    const base = getClient();
    traced ??= wrapOpenAIForLangSmith(base, {
      ...(options.langsmithTracing === undefined ? {} : { enabled: options.langsmithTracing }),
      ...(options.env === undefined ? {} : { env: options.env }),
    });
    return traced;
  }

  return Object.freeze({
    isConfigured: settings.unusable === undefined,
    model: settings.model,
    async chat(request: LlmChatRequest): Promise<LlmChatResult> {
      return sendChat(await getSdk(), settings.model, request);
    },
    stream(request: LlmChatRequest): LlmStream {
      getClient(); // throws llm.not_configured synchronously, before anything is sent
      const params = toCompletionParams(request, settings.model);
      return new LlmStream(
        async (signal) =>
          (await getSdk()).chat.completions.create(
            { ...params, stream: true, stream_options: { include_usage: true } },
            { signal },
          ),
        { idleTimeoutMs: settings.timeoutMs, signal: request.signal },
      );
    },
    async json<S extends z.core.$ZodType>(
      schema: S,
      request: LlmJsonRequest,
    ): Promise<LlmJsonResult<z.output<S>>> {
      return sendJson(await getSdk(), settings.model, schema, request);
    },
  });
}
