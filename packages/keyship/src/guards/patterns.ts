/**
 * Route-pattern protection rules: their schema, and loading them from the config file
 * (`KEYSHIP_CONFIG_FILE`, default `keyship.config.json`) and `KEYSHIP_PROTECT` into one
 * ordered table, once at startup. A bad file or rule stops startup with a
 * `KeyshipConfigError` naming the entry (`keyship.config.json protect[2].require: …`).
 *
 * The file wins over the environment, as in fastauth-api: its rules are matched first and its
 * `default` replaces the environment's. fastauth-api's `master-token-paths` and
 * `access-token-paths` lists are accepted too (as prefix rules requiring `master` and `user`).
 * `guards/protect.ts` compiles the table into the middleware.
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import type { Principal } from "../auth/principal.ts";
import type { Settings } from "../config/schema.ts";
import { SETTINGS } from "../config/schema.ts";
import { KeyshipConfigError } from "../errors.ts";
import { SCOPE_PATTERN } from "../users/model.ts";

/** What a rule can require of the caller. */
export const REQUIREMENTS = [
  "public",
  "user",
  "admin",
  "master",
  "apikey",
  "client",
  "external",
] as const;

/** One of {@link REQUIREMENTS}. */
export type Requirement = (typeof REQUIREMENTS)[number];

/** The methods a rule may name (`GET` covers `HEAD`, which Hono answers with the GET route). */
export const RULE_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

/** One rule of the table, as loaded. */
export interface ProtectRule {
  /** An exact path (`/metrics`), or a prefix ending in `*` (`/api/*`, `/api*`). */
  readonly path: string;
  /** Upper case; undefined: every method. */
  readonly methods: readonly string[] | undefined;
  readonly require: Requirement;
  /** Any one of them (as `requireRoles()`). */
  readonly roles: readonly Principal["role"][] | undefined;
  /** Every one of them (as `requireScopes()`). */
  readonly scopes: readonly string[] | undefined;
  /** Where the rule comes from and which entry it is, e.g. `keyship.config.json protect[2]`. */
  readonly origin: string;
}

/** The effective rules: first match wins; `fallback` applies to unmatched routes. */
export interface ProtectionTable {
  readonly rules: readonly ProtectRule[];
  /** `public` unless a source sets `default`. */
  readonly fallback: Requirement;
  /** Where the default comes from, or undefined when it is the built-in `public`. */
  readonly fallbackOrigin: string | undefined;
  /** The sources read, e.g. `["keyship.config.json", "KEYSHIP_PROTECT"]`. */
  readonly sources: readonly string[];
}

const oneOf = (values: readonly string[]) => `expected one of ${values.join(", ")}`;

/**
 * A path pattern: starts with `/`; `*` only at the very end; no `:param` segments, query,
 * fragment or percent-encoding (patterns match the decoded path the router sees), so a
 * pattern that would never match is refused instead of silently protecting nothing.
 */
const pathPattern = z
  .string({ error: "must be a string" })
  .regex(/^\/[^*?#%\s]*\*?$/, "must start with / and may only end in * (no ?, #, % or spaces)")
  .refine((p) => !/\/:/.test(p), "has a :param segment; use a prefix such as /users/*");

const ruleSchema = z
  .strictObject({
    path: pathPattern,
    methods: z
      .array(
        z
          .string({ error: "must be a string" })
          .transform((m) => m.toUpperCase())
          .pipe(z.enum(RULE_METHODS, { error: oneOf(RULE_METHODS) })),
      )
      .min(1, "must name at least one method")
      .optional(),
    require: z.enum(REQUIREMENTS, { error: oneOf(REQUIREMENTS) }).optional(),
    roles: z
      .array(z.enum(["user", "admin"], { error: oneOf(["user", "admin"]) }))
      .min(1, "must name at least one role")
      .optional(),
    scopes: z
      .array(z.string().regex(SCOPE_PATTERN, "is not a scope (1-128 of A-Z a-z 0-9 _ . : - / *)"))
      .min(1, "must name at least one scope")
      .optional(),
  })
  .refine(
    (r) =>
      (r.require !== "public" && r.require !== "master") ||
      (r.roles === undefined && r.scopes === undefined),
    // Public needs nothing; the master token has no roles or scopes to check.
    { message: "a public or master rule takes no roles or scopes", path: ["require"] },
  );

const prefixList = z.array(pathPattern);

/** The config file, `KEYSHIP_PROTECT` and the `protect` option: one document shape. */
const documentSchema = z.strictObject({
  $schema: z.string().optional(),
  protect: z.array(ruleSchema, { error: "must be a list of rules" }).optional(),
  default: z.enum(REQUIREMENTS, { error: oneOf(REQUIREMENTS) }).optional(),
  "master-token-paths": prefixList.optional(),
  "access-token-paths": prefixList.optional(),
  master_token_paths: prefixList.optional(),
  access_token_paths: prefixList.optional(),
});

type RuleDocument = z.output<typeof documentSchema>;

/** Where the document of a source is, and what it holds. */
interface Source {
  readonly name: string;
  readonly text: unknown;
}

/** `["protect", 2, "require"]` → `protect[2].require`. */
function entryOf(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) => (typeof key === "number" ? `[${key}]` : `${i === 0 ? "" : "."}${String(key)}`))
    .join("");
}

function problemsOf(source: string, error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const at = entryOf(issue.path);
    const where = at === "" ? source : `${source} ${at}`;
    if (issue.code === "unrecognized_keys") {
      const keys = issue.keys.map((k) => `'${k}'`).join(", ");
      const secret = issue.keys.some((k) => /token$|key$|secret/i.test(k) && !k.endsWith("paths"));
      return `${where}: unknown key ${keys}${secret ? " (secrets belong in KEYSHIP_* variables, never in this file)" : ""}.`;
    }
    return `${where}: ${issue.message}.`;
  });
}

/** The parsed document of a source, or the problems that name its bad entries. */
function parseDocument(source: Source): RuleDocument | string[] {
  let value = source.text;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch (error) {
      return [`${source.name} is not valid JSON: ${(error as Error).message}.`];
    }
  }
  if (Array.isArray(value)) value = { protect: value };
  const parsed = documentSchema.safeParse(value);
  return parsed.success ? parsed.data : problemsOf(source.name, parsed.error);
}

/** The rules of one document, in its order: `protect`, then the fastauth-api lists. */
function rulesOf(source: string, doc: RuleDocument): ProtectRule[] {
  const rules: ProtectRule[] = (doc.protect ?? []).map((rule, i) => ({
    path: rule.path,
    methods: rule.methods === undefined ? undefined : [...new Set(rule.methods)],
    require: rule.require ?? "user",
    roles: rule.roles,
    scopes: rule.scopes,
    origin: `${source} protect[${i}]`,
  }));
  // fastauth-api matches these with startswith(): the same as a `*` suffix here.
  const lists = [
    ["master-token-paths", "master"],
    ["master_token_paths", "master"],
    ["access-token-paths", "user"],
    ["access_token_paths", "user"],
  ] as const;
  for (const [key, require] of lists) {
    for (const [i, path] of (doc[key] ?? []).entries()) {
      rules.push({
        path: path.endsWith("*") ? path : `${path}*`,
        methods: undefined,
        require,
        roles: undefined,
        scopes: undefined,
        origin: `${source} ${key}[${i}]`,
      });
    }
  }
  return rules;
}

/** The config file's source, or undefined when the default file is absent. */
function fileSource(configFile: string, cwd: string): Source | string | undefined {
  const path = resolve(cwd, configFile);
  if (!existsSync(path)) {
    // An absent default file means "no rules"; a file someone named must exist.
    return configFile === SETTINGS.configFile.default
      ? undefined
      : `KEYSHIP_CONFIG_FILE names ${configFile}, which does not exist.`;
  }
  try {
    return { name: configFile, text: readFileSync(path, "utf8") };
  } catch (error) {
    return `${configFile} cannot be read: ${(error as Error).message}.`;
  }
}

/**
 * Loads the route-protection table from the config file and `KEYSHIP_PROTECT` (or the
 * `protect` option). The file's rules come first; its `default` wins.
 * @param settings `configFile` and `protect`
 * @param cwd the directory the config file is relative to. @default process.cwd()
 * @throws KeyshipConfigError naming every bad entry, e.g. `keyship.config.json protect[2].require: expected one of public, user, admin, master, apikey, client, external.`
 * @example const table = loadProtection(settings);
 */
export function loadProtection(
  settings: Pick<Settings, "configFile" | "protect">,
  cwd: string = process.cwd(),
): ProtectionTable {
  const sources: Source[] = [];
  const problems: string[] = [];
  const file = fileSource(settings.configFile, cwd);
  if (typeof file === "string") problems.push(file);
  else if (file !== undefined) sources.push(file);
  if (settings.protect !== undefined) {
    const name = typeof settings.protect === "string" ? "KEYSHIP_PROTECT" : "option protect";
    sources.push({ name, text: settings.protect });
  }
  const rules: ProtectRule[] = [];
  let fallback: { require: Requirement; origin: string } | undefined;
  for (const source of sources) {
    const doc = parseDocument(source);
    if (Array.isArray(doc)) {
      problems.push(...doc);
      continue;
    }
    rules.push(...rulesOf(source.name, doc));
    if (doc.default !== undefined) fallback ??= { require: doc.default, origin: source.name };
  }
  if (problems.length > 0) throw new KeyshipConfigError(problems);
  return Object.freeze({
    rules: Object.freeze(rules),
    fallback: fallback?.require ?? "public",
    fallbackOrigin: fallback?.origin,
    sources: Object.freeze(sources.map((s) => s.name)),
  });
}
