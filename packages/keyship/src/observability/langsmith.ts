/**
 * LangSmith tracing of LLM calls, as an optional peer: keyship never depends on `langsmith`;
 * when tracing is on, it is loaded on demand and its `wrapOpenAI` wraps the OpenAI client.
 * @module
 */
import { readSettings } from "../config/load.ts";
import { SETTINGS } from "../config/schema.ts";
import { KeyshipConfigError } from "../errors.ts";

/** The environment variables LangSmith tracing reads (the LangSmith SDK's names), from SETTINGS. */
export const LANGSMITH_ENV = Object.freeze({
  /** `true` turns tracing on. */
  tracing: SETTINGS.langsmithTracing.env,
  /** The LangSmith API key; required when tracing is on. */
  apiKey: SETTINGS.langsmithApiKey.env,
  /** The project runs are logged to. */
  project: SETTINGS.langsmithProject.env,
  /** The LangSmith API URL (self-hosted or EU region). */
  endpoint: SETTINGS.langsmithEndpoint.env,
});

/** The project LLM runs go to when neither `project` nor `LANGSMITH_PROJECT` is set. */
export const DEFAULT_LANGSMITH_PROJECT = SETTINGS.langsmithProject.default;

/** Options of {@link resolveLangSmithSettings} and {@link wrapOpenAIForLangSmith}. */
export interface LangSmithOptions {
  /**
   * Whether LLM calls are traced to LangSmith.
   * @default `LANGSMITH_TRACING=true`
   */
  readonly enabled?: boolean;
  /**
   * The LangSmith project.
   * @default `LANGSMITH_PROJECT`, then {@link DEFAULT_LANGSMITH_PROJECT} (`"keyship"`)
   */
  readonly project?: string;
  /**
   * Where environment variables are read from.
   * @default process.env
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Resolved LangSmith settings. The API key is checked but never exposed here. */
export interface LangSmithSettings {
  readonly enabled: boolean;
  readonly project: string;
  readonly endpoint: string | undefined;
}

function resolve(options: LangSmithOptions): LangSmithSettings & { apiKey: string | undefined } {
  const project = options.project?.trim();
  const settings = readSettings(
    ["langsmithTracing", "langsmithApiKey", "langsmithProject", "langsmithEndpoint"],
    {
      ...(options.env === undefined ? {} : { env: options.env }),
      options: {
        ...(options.enabled === undefined ? {} : { langsmithTracing: options.enabled }),
        ...(project ? { langsmithProject: project } : {}),
      },
    },
  );
  if (settings.langsmithTracing && settings.langsmithApiKey === undefined) {
    throw new KeyshipConfigError([
      `LangSmith tracing is on but ${LANGSMITH_ENV.apiKey} is not set: set it to your LangSmith API key, or turn tracing off (${LANGSMITH_ENV.tracing}=false).`,
    ]);
  }
  return {
    enabled: settings.langsmithTracing,
    project: settings.langsmithProject,
    endpoint: settings.langsmithEndpoint,
    apiKey: settings.langsmithApiKey,
  };
}

/**
 * Resolves LangSmith settings from options and environment, once, and checks them.
 * @param options `enabled` (default `LANGSMITH_TRACING=true`), `project` (default
 *   `LANGSMITH_PROJECT`, then `"keyship"`), `env` (default process.env)
 * @returns frozen settings (without the API key)
 * @example
 * const { enabled, project } = resolveLangSmithSettings();
 * @throws KeyshipConfigError when tracing is on and `LANGSMITH_API_KEY` is not set
 */
export function resolveLangSmithSettings(options: LangSmithOptions = {}): LangSmithSettings {
  const { enabled, project, endpoint } = resolve(options);
  return Object.freeze({ enabled, project, endpoint });
}

/** The parts of the `langsmith` package used here (structural, so keyship never imports it). */
interface LangSmithModules {
  readonly Client: new (config: { apiKey?: string; apiUrl?: string }) => unknown;
  readonly wrapOpenAI: (client: object, options: Record<string, unknown>) => unknown;
}

const NOT_INSTALLED =
  "LangSmith tracing is on but the optional package `langsmith` is not installed: run `npm install langsmith`, or turn tracing off (LANGSMITH_TRACING=false).";

function isLangSmithMissing(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  const text = typeof message === "string" ? message : "";
  const missing =
    code === "ERR_MODULE_NOT_FOUND" ||
    code === "MODULE_NOT_FOUND" ||
    /cannot find (package|module)|failed to (load|resolve)/i.test(text);
  return missing && text.includes("langsmith");
}

// Variables, so bundlers and `tsc` do not try to resolve a package that may be absent.
const LANGSMITH_SPECIFIER = "langsmith";
const WRAPPERS_SPECIFIER = "langsmith/wrappers";

async function loadLangSmith(): Promise<LangSmithModules> {
  try {
    const [core, wrappers] = (await Promise.all([
      import(LANGSMITH_SPECIFIER),
      import(WRAPPERS_SPECIFIER),
    ])) as [Partial<LangSmithModules>, Partial<LangSmithModules>];
    if (typeof core.Client !== "function" || typeof wrappers.wrapOpenAI !== "function") {
      throw new KeyshipConfigError([
        "The installed `langsmith` package has no `wrapOpenAI`: run `npm install langsmith@latest`.",
      ]);
    }
    return { Client: core.Client, wrapOpenAI: wrappers.wrapOpenAI };
  } catch (error) {
    if (isLangSmithMissing(error)) {
      throw new KeyshipConfigError([NOT_INSTALLED]);
    }
    throw error;
  }
}

/**
 * Wraps an OpenAI SDK client with LangSmith's `wrapOpenAI`, so every chat completion is traced
 * to the configured project. When tracing is off it returns `client` unchanged and loads
 * nothing, so it is safe to call unconditionally.
 * @param client an `OpenAI` client (from the `openai` package)
 * @param options `enabled` (default `LANGSMITH_TRACING=true`), `project` (default
 *   `LANGSMITH_PROJECT`, then `"keyship"`), `env` (default process.env)
 * @returns the wrapped client (same type), or `client` itself when tracing is off
 * @example
 * import OpenAI from "openai";
 * import { wrapOpenAIForLangSmith } from "keyship/observability";
 *
 * const openai = await wrapOpenAIForLangSmith(new OpenAI());
 * @throws KeyshipConfigError when tracing is on and `LANGSMITH_API_KEY` is not set, or the
 *   `langsmith` package is not installed (the message says `npm install langsmith`)
 */
export async function wrapOpenAIForLangSmith<T extends object>(
  client: T,
  options: LangSmithOptions = {},
): Promise<T> {
  const settings = resolve(options);
  if (!settings.enabled) return client;
  const { Client, wrapOpenAI } = await loadLangSmith();
  const langsmith = new Client({
    apiKey: settings.apiKey,
    ...(settings.endpoint === undefined ? {} : { apiUrl: settings.endpoint }),
  });
  return wrapOpenAI(client, {
    project_name: settings.project,
    client: langsmith,
    tracingEnabled: true,
  }) as T;
}
