/** LangSmith tracing: configuration checked at startup; `langsmith` is an optional peer. */
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { KeyshipConfigError } from "../../src/errors.ts";
import {
  resolveLangSmithSettings,
  wrapOpenAIForLangSmith,
} from "../../src/observability/langsmith.ts";
import { observedApp } from "./helpers.ts";

const KEY = { LANGSMITH_API_KEY: "lsv2_pt_test" };

function configError(fn: () => unknown): KeyshipConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof KeyshipConfigError) return error;
    throw error;
  }
  throw new Error("expected a KeyshipConfigError");
}

describe("LangSmith settings", () => {
  it("is off unless LANGSMITH_TRACING=true", () => {
    expect(resolveLangSmithSettings({ env: {} }).enabled).toBe(false);
    expect(resolveLangSmithSettings({ env: { LANGSMITH_TRACING: "false" } }).enabled).toBe(false);
    expect(resolveLangSmithSettings({ env: { LANGSMITH_TRACING: "true", ...KEY } }).enabled).toBe(
      true,
    );
  });

  it.each([
    ["LANGSMITH_TRACING=true", { env: { LANGSMITH_TRACING: "true" } }],
    ["the option", { enabled: true, env: {} }],
    ["an empty key", { enabled: true, env: { LANGSMITH_API_KEY: "  " } }],
  ])("requires LANGSMITH_API_KEY when tracing is on through %s", (_name, options) => {
    const error = configError(() => resolveLangSmithSettings(options));
    expect(error.problems.join("\n")).toContain("LANGSMITH_API_KEY");
  });

  it("makes initObservability() refuse to start without the key", () => {
    const error = configError(() => observedApp("hono", { langsmithTracing: true }));
    expect(error.problems.join("\n")).toContain("LANGSMITH_API_KEY");
  });

  it("uses the project 'keyship' unless LANGSMITH_PROJECT says otherwise", () => {
    const on = { LANGSMITH_TRACING: "true", ...KEY };
    expect(resolveLangSmithSettings({ env: on }).project).toBe("keyship");
    expect(
      resolveLangSmithSettings({ env: { ...on, LANGSMITH_PROJECT: "auth-prod" } }).project,
    ).toBe("auth-prod");
    const observed = observedApp("hono", { env: on });
    expect(observed.observability.langsmith).toEqual({
      enabled: true,
      project: "keyship",
      endpoint: undefined,
    });
  });

  it("never exposes the API key in the resolved settings", () => {
    const settings = resolveLangSmithSettings({ env: { LANGSMITH_TRACING: "true", ...KEY } });
    expect(JSON.stringify(settings)).not.toContain(KEY.LANGSMITH_API_KEY);
  });
});

describe("wrapOpenAIForLangSmith", () => {
  const client = new OpenAI({ apiKey: "sk-test", baseURL: "http://127.0.0.1:9/v1" });

  it("returns the client unchanged, loading nothing, when tracing is off", async () => {
    await expect(wrapOpenAIForLangSmith(client, { env: {} })).resolves.toBe(client);
  });

  it("tells the user to install langsmith when it is missing", async () => {
    const error = await wrapOpenAIForLangSmith(client, { enabled: true, env: KEY }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(KeyshipConfigError);
    expect((error as KeyshipConfigError).problems.join("\n")).toContain("npm install langsmith");
  });

  it("checks the key before trying to load the package", async () => {
    const error = await wrapOpenAIForLangSmith(client, { enabled: true, env: {} }).catch(
      (e: unknown) => e,
    );
    expect((error as KeyshipConfigError).problems.join("\n")).toContain("LANGSMITH_API_KEY");
  });
});
