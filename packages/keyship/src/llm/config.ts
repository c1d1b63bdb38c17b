/**
 * Options of `llm()` and how they are resolved from code and environment, once.
 * @module
 */
import { readSettings } from "../config/load.ts";
import { SETTINGS } from "../config/schema.ts";
import { KeyshipConfigError } from "../errors.ts";
import { LlmNotConfiguredError } from "./errors.ts";

export { DEFAULT_LLM_MODEL } from "../config/settings-integrations.ts";

/** The default of the `timeoutMs` option, in milliseconds. */
export const DEFAULT_LLM_TIMEOUT_MS = 30_000;

/** The default of the `maxRetries` option. */
export const DEFAULT_LLM_MAX_RETRIES = 2;

const variablesOf = (spec: { env: string; aliases?: readonly string[] }) =>
  Object.freeze([spec.env, ...(spec.aliases ?? [])]);

/**
 * The environment variables `llm()` reads, in order of precedence within each setting (from
 * SETTINGS, where they are documented). An empty value counts as unset.
 */
export const LLM_ENV = Object.freeze({
  /** API keys, keyship's own first: `KEYSHIP_OPENAI_API_KEY`, then `OPENAI_API_KEY`. */
  apiKey: variablesOf(SETTINGS.llmApiKey),
  /** The base URL of an OpenAI-compatible server. */
  baseURL: variablesOf(SETTINGS.llmBaseUrl),
  /** The default model. */
  model: variablesOf(SETTINGS.llmModel),
});

/** Options of `llm()`. Every member is optional; defaults come from the environment. */
export interface LlmOptions {
  /**
   * The provider API key. Never hard-code it; prefer the environment.
   * @default `KEYSHIP_OPENAI_API_KEY`, then `OPENAI_API_KEY`
   */
  readonly apiKey?: string;
  /**
   * The base URL of the chat completions API, for OpenAI-compatible servers
   * (e.g. `http://127.0.0.1:11434/v1`).
   * @default `KEYSHIP_LLM_BASE_URL`, then `OPENAI_BASE_URL`, then `https://api.openai.com/v1`
   */
  readonly baseURL?: string;
  /**
   * The model used when a call names none.
   * @default `KEYSHIP_LLM_MODEL`, then {@link DEFAULT_LLM_MODEL} (`"gpt-4.1-mini"`)
   */
  readonly model?: string;
  /**
   * How long one attempt may wait for the provider to start answering, in milliseconds
   * (the SDK's `timeout`). A stream also fails with `llm.timeout` when no chunk arrives
   * for this long. A positive integer.
   * @default 30000
   */
  readonly timeoutMs?: number;
  /**
   * How many times the SDK retries a connection error, timeout, 408, 409, 429 or 5xx,
   * with exponential backoff that honours `Retry-After`. A non-negative integer.
   * @default 2
   */
  readonly maxRetries?: number;
  /**
   * Trace every call to LangSmith (needs the optional `langsmith` package and
   * `LANGSMITH_API_KEY`).
   * @default `LANGSMITH_TRACING=true`
   */
  readonly langsmithTracing?: boolean;
  /**
   * Where environment variables are read from. Tests pass a plain object.
   * @default process.env
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** What {@link LlmNotConfiguredError} will say, and the variables it names. */
export interface LlmUnusable {
  readonly message: string;
  readonly variables: readonly string[];
}

/** The resolved, frozen settings of one `llm()` object. The API key stays inside. */
export interface LlmSettings {
  readonly apiKey: string | undefined;
  readonly baseURL: string | undefined;
  readonly model: string;
  readonly timeoutMs: number;
  readonly maxRetries: number;
  /** Why calls cannot be made (thrown afresh by each call), or `undefined` when they can. */
  readonly unusable: LlmUnusable | undefined;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:";
  } catch {
    return false;
  }
}

const NO_API_KEY: LlmUnusable = Object.freeze({
  message: `keyship/llm has no API key: set ${LLM_ENV.apiKey.join(" or ")}, or pass \`apiKey\` to llm().`,
  variables: LLM_ENV.apiKey,
});

function explainUnusable(
  options: LlmOptions,
  apiKey: string | undefined,
  baseURL: string | undefined,
): LlmUnusable | undefined {
  if (apiKey === undefined) return NO_API_KEY;
  if (baseURL !== undefined && !isHttpUrl(baseURL)) {
    const from = options.baseURL?.trim() ? "the `baseURL` option" : LLM_ENV.baseURL.join(" or ");
    return {
      message: `keyship/llm cannot use ${from}: it must be an http(s) URL such as https://api.openai.com/v1.`,
      variables: LLM_ENV.baseURL,
    };
  }
  return undefined;
}

/**
 * Resolves `llm()` options against the environment, once. A missing key or an unusable
 * base URL does not throw here: it is remembered and thrown by the first call, so apps
 * can create the client at startup whether or not the feature is configured.
 *
 * @param options the options given to `llm()`
 * @returns frozen settings
 * @example
 * const settings = resolveLlmSettings({ timeoutMs: 10_000 });
 * @throws KeyshipConfigError when `timeoutMs` or `maxRetries` is not a valid integer
 *   (a programming error, not missing configuration)
 */
export function resolveLlmSettings(options: LlmOptions = {}): LlmSettings {
  const env = options.env ?? process.env;
  const timeoutMs = options.timeoutMs ?? DEFAULT_LLM_TIMEOUT_MS;
  const maxRetries = options.maxRetries ?? DEFAULT_LLM_MAX_RETRIES;
  const problems: string[] = [];
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs <= 0) {
    problems.push("llm({ timeoutMs }) must be a positive integer number of milliseconds.");
  }
  if (!Number.isSafeInteger(maxRetries) || maxRetries < 0) {
    problems.push("llm({ maxRetries }) must be a non-negative integer.");
  }
  if (problems.length > 0) throw new KeyshipConfigError(problems);

  const given = (value: string | undefined) => value?.trim() || undefined;
  const {
    llmApiKey: apiKey,
    llmBaseUrl: baseURL,
    llmModel: model,
  } = readSettings(["llmApiKey", "llmBaseUrl", "llmModel"], {
    env,
    options: {
      llmApiKey: given(options.apiKey),
      llmBaseUrl: given(options.baseURL),
      llmModel: given(options.model),
    },
  });
  return Object.freeze({
    apiKey,
    baseURL,
    model,
    timeoutMs,
    maxRetries,
    unusable: explainUnusable(options, apiKey, baseURL),
  });
}

/**
 * Throws when calls cannot be made with these settings; otherwise returns the API key.
 *
 * @param settings the resolved settings
 * @returns the API key
 * @example
 * const apiKey = assertLlmUsable(settings);
 * @throws LlmNotConfiguredError (`llm.not_configured`) naming the variable to set
 */
export function assertLlmUsable(settings: LlmSettings): string {
  const { apiKey, unusable } = settings;
  if (unusable !== undefined || apiKey === undefined) {
    const { message, variables } = unusable ?? NO_API_KEY;
    throw new LlmNotConfiguredError(message, variables);
  }
  return apiKey;
}
