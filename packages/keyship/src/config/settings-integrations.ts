/**
 * Settings of the optional integrations: the metrics endpoint, LangSmith tracing and the LLM
 * wrapper. `initObservability()` and `llm()` read them through the same schema as everything
 * else (`readSettings()`), so every variable is parsed, checked and documented once.
 * @module
 */
import { z } from "zod";
import { boolFromString, type SettingSpec } from "./parsers.ts";

/** The shortest accepted metrics token. */
export const MIN_METRICS_TOKEN_LENGTH = 16;

/** The model used when neither the `model` option nor `KEYSHIP_LLM_MODEL` is set. */
export const DEFAULT_LLM_MODEL = "gpt-4.1-mini";

/** Integration settings; merged into {@link SETTINGS} in schema.ts. */
export const INTEGRATION_SETTINGS = {
  metricsEnabled: {
    env: "KEYSHIP_METRICS_ENABLED",
    schema: boolFromString,
    default: false,
    doc: "Serve Prometheus metrics at `/metrics` (`initObservability()`).",
  },
  metricsToken: {
    env: "KEYSHIP_METRICS_TOKEN",
    schema: z
      .string()
      .trim()
      .min(
        MIN_METRICS_TOKEN_LENGTH,
        `must be at least ${MIN_METRICS_TOKEN_LENGTH} characters (e.g. openssl rand -hex 32)`,
      ),
    default: undefined,
    doc: "Bearer token `/metrics` requires (at least 16 characters). Unset: the endpoint is open (a warning in production).",
  },
  langsmithTracing: {
    env: "LANGSMITH_TRACING",
    schema: boolFromString,
    default: false,
    doc: "Trace LLM calls to LangSmith (the LangSmith SDK's own variable); needs LANGSMITH_API_KEY.",
  },
  langsmithApiKey: {
    env: "LANGSMITH_API_KEY",
    schema: z.string().trim().min(1),
    default: undefined,
    doc: "LangSmith API key; required when LANGSMITH_TRACING is on.",
  },
  langsmithProject: {
    env: "LANGSMITH_PROJECT",
    schema: z.string().trim().min(1),
    default: "keyship",
    doc: "LangSmith project LLM runs are logged to.",
  },
  langsmithEndpoint: {
    env: "LANGSMITH_ENDPOINT",
    schema: z.string().trim().min(1),
    default: undefined,
    doc: "LangSmith API URL (self-hosted or another region). Unset: the SDK's default.",
  },
  llmApiKey: {
    env: "KEYSHIP_OPENAI_API_KEY",
    aliases: ["OPENAI_API_KEY"],
    schema: z.string().trim().min(1),
    default: undefined,
    doc: "API key of `llm()`: KEYSHIP_OPENAI_API_KEY, else OPENAI_API_KEY. Unset: calls throw `llm.not_configured`.",
  },
  llmBaseUrl: {
    env: "KEYSHIP_LLM_BASE_URL",
    aliases: ["OPENAI_BASE_URL"],
    schema: z.string().trim().min(1),
    default: undefined,
    doc: "Base URL of an OpenAI-compatible server for `llm()`: KEYSHIP_LLM_BASE_URL, else OPENAI_BASE_URL. Unset: `https://api.openai.com/v1`.",
  },
  llmModel: {
    env: "KEYSHIP_LLM_MODEL",
    schema: z.string().trim().min(1),
    default: DEFAULT_LLM_MODEL,
    doc: "Model `llm()` uses when a call names none.",
  },
} as const satisfies Record<string, SettingSpec>;
