import { APIConnectionTimeoutError } from "openai";
import { describe, expect, it } from "vitest";
import { DEFAULT_LLM_MODEL, LlmUpstreamError, llm } from "../../src/llm/index.ts";
import { answer, FAKE_MODEL, failWith, fakeClient, hang, useFakeOpenAI } from "./fake-openai.ts";

const fake = useFakeOpenAI();

describe("chat()", () => {
  it("returns the answer's text, usage and model", async () => {
    fake().reply(answer("Hello, ", "world."));
    const result = await fakeClient(fake()).chat({ user: "Hi" });
    expect(result).toMatchObject({
      text: "Hello, world.",
      usage: { promptTokens: 9, completionTokens: 3, totalTokens: 12 },
      model: FAKE_MODEL,
      finishReason: "stop",
    });
    expect(result.raw.id).toBe("chatcmpl-test");
  });

  it("sends system, messages, then user, with the key and the default model", async () => {
    fake().reply(answer("ok"));
    await fakeClient(fake()).chat({
      system: "Be brief.",
      messages: [
        { role: "user", content: "One" },
        { role: "assistant", content: "Two" },
      ],
      user: "Three",
    });
    const [request] = fake().requests;
    expect(request?.method).toBe("POST");
    expect(request?.url).toBe("/v1/chat/completions");
    expect(request?.headers.authorization).toBe("Bearer sk-test");
    expect(request?.body).toEqual({
      model: DEFAULT_LLM_MODEL,
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "One" },
        { role: "assistant", content: "Two" },
        { role: "user", content: "Three" },
      ],
      stream: false,
    });
  });

  it("maps model, temperature, maxTokens and responseFormat", async () => {
    fake().reply(answer("{}"));
    await fakeClient(fake()).chat({
      user: "JSON please",
      model: "other-model",
      temperature: 0.2,
      maxTokens: 64,
      responseFormat: "json_object",
    });
    expect(fake().requests[0]?.body).toMatchObject({
      model: "other-model",
      temperature: 0.2,
      max_completion_tokens: 64,
      response_format: { type: "json_object" },
    });
  });

  it("retries a 429 and succeeds", async () => {
    fake().reply(failWith(429), answer("after retry"));
    const result = await fakeClient(fake(), { maxRetries: 2 }).chat({ user: "Hi" });
    expect(result.text).toBe("after retry");
    expect(fake().requests).toHaveLength(2);
  });

  it("gives up with llm.rate_limited once the retries are spent", async () => {
    fake().reply(failWith(429), failWith(429), failWith(429));
    const failure = await fakeClient(fake(), { maxRetries: 2 })
      .chat({ user: "Hi" })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(LlmUpstreamError);
    expect(failure).toMatchObject({ code: "llm.rate_limited", status: 429 });
    expect(fake().requests).toHaveLength(3);
  });

  it("throws llm.timeout when the provider never answers", async () => {
    fake().reply(hang());
    const failure = await fakeClient(fake(), { timeoutMs: 100, maxRetries: 0 })
      .chat({ user: "Hi" })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(LlmUpstreamError);
    expect(failure).toMatchObject({ code: "llm.timeout" });
    expect((failure as Error).cause).toBeInstanceOf(APIConnectionTimeoutError);
    expect(fake().requests).toHaveLength(1);
  });

  it.each([
    [401, "llm.auth_failed"],
    [400, "llm.bad_request"],
    [503, "llm.unavailable"],
  ])("maps an upstream %i to %s", async (status, code) => {
    fake().reply(failWith(status));
    const failure = await fakeClient(fake())
      .chat({ user: "Hi" })
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ code, status });
  });

  it("throws llm.aborted when the caller's signal fires", async () => {
    fake().reply(hang());
    const controller = new AbortController();
    const pending = fakeClient(fake()).chat({ user: "Hi", signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toMatchObject({ code: "llm.aborted" });
  });

  it("refuses a call with nothing to answer", async () => {
    await expect(fakeClient(fake()).chat({ system: "Alone" })).rejects.toBeInstanceOf(TypeError);
    expect(fake().requests).toHaveLength(0);
  });
});

describe("chat() with LangSmith tracing on", () => {
  it("refuses to send without LANGSMITH_API_KEY, naming the variable", async () => {
    const ai = llm({
      apiKey: "sk-test",
      baseURL: fake().baseURL,
      env: { LANGSMITH_TRACING: "true" },
    });
    await expect(ai.chat({ user: "Hi" })).rejects.toThrow(/LANGSMITH_API_KEY/);
    expect(fake().requests).toHaveLength(0);
  });

  it("tells how to install the langsmith package when it is missing", async () => {
    const ai = llm({
      apiKey: "sk-test",
      baseURL: fake().baseURL,
      langsmithTracing: true,
      env: { LANGSMITH_API_KEY: "lsv2-test-key" },
    });
    await expect(ai.chat({ user: "Hi" })).rejects.toThrow(/npm install langsmith/);
    expect(fake().requests).toHaveLength(0);
  });
});
