/**
 * Resolves settings from explicit options, `KEYSHIP_*` variables (process env, then a
 * `.env` file) and defaults, then applies development fallbacks or production checks.
 * @module
 */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { resolve } from "node:path";
import { parseEnv } from "node:util";
import { KeyshipConfigError } from "../errors.ts";
import { readEnvGroup } from "./env-groups.ts";
import {
  ENV_GROUPS,
  SETTINGS,
  type SettingName,
  type SettingSpec,
  type Settings,
  type SettingsInput,
} from "./schema.ts";
import { weakMasterTokenProblem } from "./settings-machine.ts";

/** Where settings come from; everything is optional and defaults to the real process. */
export interface LoadSettingsOptions {
  /** Explicit options; they win over every variable. */
  readonly options?: SettingsInput;
  /** Environment variables. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** A `.env` file read below `env`, or `false` for none. @default ".env" in the working directory */
  readonly envFile?: string | false;
}

/** The resolved settings and the warnings to log once (development fallbacks). */
export interface LoadedSettings {
  readonly settings: Settings;
  readonly warnings: readonly string[];
}

function readEnvFile(path: string | false): Record<string, string> {
  if (path === false) return {};
  const file = resolve(path);
  if (!existsSync(file)) return {};
  return parseEnv(readFileSync(file, "utf8")) as Record<string, string>;
}

function sqlitePath(url: string): string | undefined {
  if (!url.startsWith("sqlite:")) return undefined;
  return url.slice("sqlite:".length).replace(/^\/\//, "");
}

function hostOf(origin: string): string {
  return new URL(origin).hostname;
}

function isLocalhost(host: string): boolean {
  return host === "localhost" || host.endsWith(".localhost");
}

function productionProblems(s: Settings, given: Partial<Record<SettingName, unknown>>): string[] {
  const problems: string[] = [];
  if (given.rpId === undefined) {
    problems.push(
      "KEYSHIP_RP_ID is not set. Set it to the domain your users see, e.g. KEYSHIP_RP_ID=example.com.",
    );
  }
  if (given.origins === undefined) {
    problems.push(
      "KEYSHIP_ORIGIN is not set. Set it to the exact origin(s) of your web app, e.g. KEYSHIP_ORIGIN=https://app.example.com.",
    );
  } else {
    for (const origin of s.origins) {
      const url = new URL(origin);
      if (url.protocol !== "https:" && !isLocalhost(url.hostname)) {
        problems.push(
          `KEYSHIP_ORIGIN entry ${origin} is not https. Passkeys need HTTPS in production.`,
        );
      }
      if (
        given.rpId !== undefined &&
        !(url.hostname === s.rpId || url.hostname.endsWith(`.${s.rpId}`))
      ) {
        problems.push(
          `KEYSHIP_ORIGIN entry ${origin} is not on KEYSHIP_RP_ID ${s.rpId}. The RP ID must equal the origin's host or be a parent domain of it.`,
        );
      }
    }
  }
  const weakMasterToken = weakMasterTokenProblem(s.masterToken);
  if (weakMasterToken !== undefined) problems.push(weakMasterToken);
  for (const [name, trusted] of Object.entries(s.trust)) {
    if (!trusted.issuer.startsWith("https:")) {
      const variable = `KEYSHIP_TRUST_${name.toUpperCase()}_ISSUER`;
      problems.push(
        `${variable} must be https in production, e.g. ${variable}=https://sso.example.com/realms/main.`,
      );
    }
  }
  const path = sqlitePath(s.databaseUrl);
  if (path !== undefined) {
    if (path === ":memory:" || path === "") {
      problems.push(
        "KEYSHIP_DATABASE_URL points at an in-memory SQLite database, which loses every user on restart. Use a file (sqlite:/var/lib/app/keyship.db) or postgres://….",
      );
    } else if (resolve(path).startsWith(resolve(tmpdir()))) {
      problems.push(
        `KEYSHIP_DATABASE_URL points into the temporary directory (${path}), which the system may clear. Use a persistent path.`,
      );
    }
  }
  return problems;
}

/**
 * Loads and validates settings. Sources, strongest first: `options`, `env`, the `.env` file,
 * defaults.
 *
 * @throws KeyshipConfigError listing every invalid setting, and in production every missing
 *   or unsafe one, each with how to fix it.
 * @example
 * const { settings, warnings } = loadSettings({ options: { rpId: "example.com" } });
 */
export function loadSettings(input: LoadSettingsOptions = {}): LoadedSettings {
  const env = { ...readEnvFile(input.envFile ?? ".env"), ...(input.env ?? process.env) };
  const { values, given } = readSources(env, input.options ?? {});
  Object.assign(values, readGroups(env, input.options ?? {}));
  const envName =
    (values.env as Settings["env"] | undefined) ??
    (env.NODE_ENV === "production" ? "production" : "development");
  const isProduction = envName === "production";
  const warnings: string[] = [];
  const sessionKeyMissing = applyDerivedDefaults(values, isProduction, warnings);

  const settings = Object.freeze({ ...values, env: envName }) as Settings;
  if (isProduction) {
    const unsafe = productionProblems(settings, given);
    if (sessionKeyMissing) {
      unsafe.push(
        "KEYSHIP_SESSION_SECRET is not set. Sessions need a signing key: set KEYSHIP_SESSION_SECRET to the output of `keyship keygen --type secret` (at least 32 characters), or KEYSHIP_SESSION_PRIVATE_KEYS to `keyship keygen --type es256`.",
      );
    }
    if (unsafe.length > 0) throw new KeyshipConfigError(unsafe);
  } else if (!isLocalhost(settings.rpId) && settings.origins.some((o) => isLocalhost(hostOf(o)))) {
    warnings.push(
      `KEYSHIP_RP_ID is '${settings.rpId}' but an origin is on localhost; passkeys will fail there.`,
    );
  }
  return { settings, warnings };
}

/**
 * Reads some settings only, through the same schema, sources and messages as
 * {@link loadSettings}, without its development fallbacks or production checks. For parts
 * that can run without the rest of keyship (`initObservability()` on a plain Hono app,
 * `llm()`).
 * @param names the settings to read
 * @param input `env` (default process.env) and `options` overriding it
 * @throws KeyshipConfigError listing every value that does not parse
 * @example const { metricsEnabled } = readSettings(["metricsEnabled"]);
 */
export function readSettings<const N extends SettingName>(
  names: readonly N[],
  input: {
    readonly env?: Readonly<Record<string, string | undefined>>;
    readonly options?: SettingsInput;
  } = {},
): Pick<Settings, N> {
  const env = input.env ?? process.env;
  return Object.freeze(readSources(env, input.options ?? {}, names).values) as Pick<Settings, N>;
}

/** The variables of fixed settings: never read as members of a group (`KEYSHIP_TRUST_PROXY`). */
const FIXED_VARIABLES: ReadonlySet<string> = new Set(
  Object.values(SETTINGS as Record<string, SettingSpec>).flatMap((spec) => [
    spec.env,
    ...(spec.aliases ?? []),
  ]),
);

/**
 * Every dynamic group (config/env-groups.ts) from `env` and `options`, by option key.
 * @throws KeyshipConfigError listing every unknown variable and invalid or missing value
 */
function readGroups(
  env: Readonly<Record<string, string | undefined>>,
  options: SettingsInput,
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, group] of Object.entries(ENV_GROUPS)) {
    const read = readEnvGroup(group, env, options[key as keyof typeof ENV_GROUPS], FIXED_VARIABLES);
    values[key] = read.members;
    problems.push(...read.problems);
  }
  if (problems.length > 0) throw new KeyshipConfigError(problems);
  return values;
}

/**
 * The message for a value that does not parse: the variable, what is expected and an example
 * (from the setting's doc, `e.g. \`…\``, else its default), once the parser's own message has
 * none.
 */
function problemOf(source: string, spec: SettingSpec, message = "invalid value"): string {
  const trimmed = message.replace(/\.$/, "");
  if (/\be\.g\.|such as/.test(trimmed)) return `${source} is not valid: ${trimmed}.`;
  const example = exampleOf(spec, trimmed);
  return `${source} is not valid: ${trimmed}${example === undefined ? "" : ` (e.g. ${example})`}.`;
}

/** An example for a setting: from its doc (`e.g. \`…\``), its default, its choices or range, or the keygen command its doc names. */
function exampleOf(spec: SettingSpec, message: string): string | undefined {
  const fromDoc = /e\.g\. `([^`]+)`/.exec(spec.doc)?.[1];
  if (fromDoc !== undefined) return fromDoc.includes("=") ? fromDoc : `${spec.env}=${fromDoc}`;
  const options = (spec.schema as { options?: unknown }).options;
  const value =
    spec.default ??
    (Array.isArray(options) ? options[0] : undefined) ??
    /from (\d+) to \d+/.exec(message)?.[1];
  const isShown =
    typeof value === "number" ||
    typeof value === "boolean" ||
    (typeof value === "string" && value !== "");
  if (isShown) return `${spec.env}=${String(value)}`;
  const keygen = /`(keyship keygen --type \w+)`/.exec(spec.doc)?.[1];
  return keygen === undefined ? undefined : `the output of \`${keygen}\``;
}

/**
 * Every setting's value from its strongest source (option, then variable, then default),
 * parsed by its schema; `given` holds what was set explicitly.
 * @throws KeyshipConfigError listing every value that does not parse
 */
function readSources(
  env: Readonly<Record<string, string | undefined>>,
  input: SettingsInput,
  names: readonly SettingName[] = Object.keys(SETTINGS) as SettingName[],
): { values: Record<string, unknown>; given: Partial<Record<SettingName, unknown>> } {
  const options = input as Partial<Record<SettingName, unknown>>;
  const given: Partial<Record<SettingName, unknown>> = {};
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const name of names) {
    const spec: SettingSpec = SETTINGS[name];
    const fromOption = options[name];
    // A variable set to nothing (or only spaces) counts as unset.
    const variable = [spec.env, ...(spec.aliases ?? [])].find(
      (candidate) => (env[candidate]?.trim() ?? "") !== "",
    );
    const fromEnv = variable === undefined ? undefined : env[variable];
    const raw = fromOption !== undefined ? fromOption : fromEnv;
    if (raw === undefined) {
      values[name] = spec.default;
      continue;
    }
    given[name] = raw;
    const parsed = spec.schema.safeParse(raw);
    if (parsed.success) {
      values[name] = parsed.data;
    } else {
      const source = fromOption !== undefined ? `option ${name}` : variable;
      problems.push(problemOf(source ?? spec.env, spec, parsed.error.issues[0]?.message));
    }
  }
  if (problems.length > 0) throw new KeyshipConfigError(problems);
  return { values, given };
}

/**
 * Fills the settings whose defaults derive from others (RP ID, origins, host, issuer, app URL)
 * and, in development, a random session secret, warning about each fallback.
 * @returns true when production has no session signing key
 */
function applyDerivedDefaults(
  values: Record<string, unknown>,
  isProduction: boolean,
  warnings: string[],
): boolean {
  const port = values.port as number;
  let sessionKeyMissing = false;
  if (values.rpId === undefined) {
    values.rpId = "localhost";
    if (!isProduction) {
      warnings.push("KEYSHIP_RP_ID is not set; using 'localhost' (development only).");
    }
  }
  if (values.origins === undefined) {
    values.origins = [`http://localhost:${port}`];
    if (!isProduction) {
      warnings.push(
        `KEYSHIP_ORIGIN is not set; using 'http://localhost:${port}' (development only).`,
      );
    }
  }
  values.origins = (values.origins as string[]).map((o) => new URL(o).origin);
  values.corsOrigins = ((values.corsOrigins as string[] | undefined) ?? []).map(
    (o) => new URL(o).origin,
  );
  values.hstsMaxAgeSeconds ??= isProduction ? 31_536_000 : 0;
  values.host ??= isProduction ? "0.0.0.0" : "127.0.0.1";
  values.sessionIssuer ??= (values.origins as string[])[0];
  if (values.sessionSecret === undefined && values.sessionPrivateKeys === undefined) {
    if (isProduction) {
      sessionKeyMissing = true;
    } else {
      values.sessionSecret = randomBytes(32).toString("base64url");
      warnings.push(
        "KEYSHIP_SESSION_SECRET is not set; using a random secret for this process, so sessions end on restart (development only).",
      );
    }
  }
  const weakMasterToken = weakMasterTokenProblem(values.masterToken as string | undefined);
  if (!isProduction && weakMasterToken !== undefined) {
    warnings.push(`${weakMasterToken} Production refuses it.`);
  }
  values.appUrl ??= (values.origins as string[])[0];
  values.oauthCallbackOrigin = new URL(
    (values.oauthCallbackOrigin as string | undefined) ?? (values.origins as string[])[0] ?? "",
  ).origin;
  values.dpopOrigin = new URL(
    (values.dpopOrigin as string | undefined) ?? (values.oauthCallbackOrigin as string),
  ).origin;
  values.bootstrapAdminEmails ??= [];
  return sessionKeyMissing;
}
