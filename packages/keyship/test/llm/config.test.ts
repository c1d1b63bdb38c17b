import { describe, expect, it } from "vitest";
import * as z from "zod";
import { KeyshipConfigError } from "../../src/errors.ts";
import { DEFAULT_LLM_MODEL, LlmNotConfiguredError, llm } from "../../src/llm/index.ts";
import { answer, useFakeOpenAI } from "./fake-openai.ts";

const fake = useFakeOpenAI();

describe("llm() configuration", () => {
  it("creates a client without a key, and each call names the variables to set", async () => {
    const ai = llm({ baseURL: fake().baseURL, env: {} });
    expect(ai.isConfigured).toBe(false);

    const failure = await ai.chat({ user: "Hi" }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(LlmNotConfiguredError);
    expect(failure).toMatchObject({
      code: "llm.not_configured",
      variables: ["KEYSHIP_OPENAI_API_KEY", "OPENAI_API_KEY"],
    });
    expect((failure as Error).message).toContain("OPENAI_API_KEY");
    expect((failure as Error).message).toContain("KEYSHIP_OPENAI_API_KEY");

    expect(() => ai.stream({ user: "Hi" })).toThrow(LlmNotConfiguredError);
    await expect(ai.json(z.object({}), { user: "Hi" })).rejects.toBeInstanceOf(
      LlmNotConfiguredError,
    );
    expect(fake().requests).toHaveLength(0);
  });

  it("reads the key, base URL and model from the environment", async () => {
    fake().reply(answer("ok"));
    const ai = llm({
      env: {
        OPENAI_API_KEY: "sk-generic",
        KEYSHIP_OPENAI_API_KEY: "sk-keyship",
        OPENAI_BASE_URL: fake().baseURL,
        KEYSHIP_LLM_MODEL: "env-model",
      },
    });
    expect(ai).toMatchObject({ isConfigured: true, model: "env-model" });
    await ai.chat({ user: "Hi" });
    const [request] = fake().requests;
    expect(request?.headers.authorization).toBe("Bearer sk-keyship");
    expect(request?.body.model).toBe("env-model");
  });

  it("falls back to OPENAI_API_KEY and the default model", async () => {
    fake().reply(answer("ok"));
    const ai = llm({ baseURL: fake().baseURL, env: { OPENAI_API_KEY: "sk-generic" } });
    await ai.chat({ user: "Hi" });
    expect(fake().requests[0]?.headers.authorization).toBe("Bearer sk-generic");
    expect(fake().requests[0]?.body.model).toBe(DEFAULT_LLM_MODEL);
  });

  it("prefers options over the environment", async () => {
    fake().reply(answer("ok"));
    const ai = llm({
      apiKey: "sk-option",
      baseURL: fake().baseURL,
      model: "option-model",
      env: { KEYSHIP_OPENAI_API_KEY: "sk-env", OPENAI_BASE_URL: "http://127.0.0.1:1/v1" },
    });
    await ai.chat({ user: "Hi" });
    expect(fake().requests[0]?.headers.authorization).toBe("Bearer sk-option");
    expect(fake().requests[0]?.body.model).toBe("option-model");
  });

  it("reports an unusable OPENAI_BASE_URL at the first call, not at creation", async () => {
    const ai = llm({ env: { OPENAI_API_KEY: "sk", OPENAI_BASE_URL: "not a url" } });
    expect(ai.isConfigured).toBe(false);
    await expect(ai.chat({ user: "Hi" })).rejects.toMatchObject({
      code: "llm.not_configured",
      variables: ["KEYSHIP_LLM_BASE_URL", "OPENAI_BASE_URL"],
    });
  });

  it.each([{ timeoutMs: 0 }, { timeoutMs: 1.5 }, { maxRetries: -1 }])(
    "refuses %o at creation",
    (options) => {
      expect(() => llm({ ...options, env: {} })).toThrow(KeyshipConfigError);
    },
  );
});
