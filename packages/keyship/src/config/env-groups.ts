/**
 * Dynamic variable groups: settings that come in named sets, such as
 * `KEYSHIP_TRUST_<NAME>_ISSUER` + `KEYSHIP_TRUST_<NAME>_AUDIENCE`, one set per `<NAME>`.
 *
 * A group is declared once ({@link defineEnvGroup}: a prefix, an option key and its fields,
 * each a variable suffix with a zod schema) and read from the same merged environment as every
 * other setting (options > process env > `.env`). `<NAME>` becomes the group's id in lower
 * case (`KEYSHIP_TRUST_MAIN_SSO_ISSUER` → `main_sso`); the option form is
 * `{ [option]: { [id]: { field: value } } }`, and an option wins over its variable field by
 * field. Registered groups are listed in `ENV_GROUPS` (config/schema.ts); the loaded settings
 * carry each under its option key.
 * @module
 */
import { z } from "zod";

/** One field of a group: the variable suffix, its schema and what the docs and errors show. */
export interface EnvGroupField {
  /** The variable's suffix after `<NAME>_`, upper case, e.g. `ISSUER` or `ROLES_CLAIM`. */
  readonly suffix: string;
  /** Parses the variable (a string) or the option (a string or a typed value). */
  readonly schema: z.ZodType;
  /** An example value, shown in error messages and docs. */
  readonly example: string;
  /** A sentence for docs/configuration.md. */
  readonly doc: string;
}

/** A declared group; build it with {@link defineEnvGroup}. */
export interface EnvGroupSpec<F extends Readonly<Record<string, EnvGroupField>>> {
  /** The variables' prefix, ending in `_`, e.g. `KEYSHIP_TRUST_`. */
  readonly prefix: string;
  /** The option key of `keyship({ … })` and of the loaded settings, e.g. `trust`. */
  readonly option: string;
  /** An example `<NAME>` for messages and docs, e.g. `MAIN`. */
  readonly exampleName: string;
  readonly fields: F;
  /** The object schema of one member, built from `fields`. */
  readonly schema: z.ZodObject<{ [K in keyof F]: F[K]["schema"] }>;
}

/** Any declared group. */
// biome-ignore lint/suspicious/noExplicitAny: the registry holds groups of different fields.
export type AnyEnvGroup = EnvGroupSpec<any>;

/** One member of a group as the settings carry it. */
export type EnvGroupValue<G extends AnyEnvGroup> = Readonly<z.output<G["schema"]>>;

/** One member of a group as options give it. */
export type EnvGroupInput<G extends AnyEnvGroup> = z.input<G["schema"]>;

const ENV_NAME = /^[A-Z0-9]+(?:_[A-Z0-9]+)*$/;
const OPTION_NAME = /^[a-z0-9]+(?:_[a-z0-9]+)*$/;

/**
 * Declares a group of variables.
 * @example
 * const TRUST = defineEnvGroup({
 *   prefix: "KEYSHIP_TRUST_", option: "trust", exampleName: "MAIN",
 *   fields: { issuer: { suffix: "ISSUER", schema: z.url(), example: "https://sso.example.com", doc: "…" } },
 * });
 */
export function defineEnvGroup<const F extends Readonly<Record<string, EnvGroupField>>>(spec: {
  readonly prefix: string;
  readonly option: string;
  readonly exampleName: string;
  readonly fields: F;
}): EnvGroupSpec<F> {
  const shape = Object.fromEntries(Object.entries(spec.fields).map(([k, f]) => [k, f.schema]));
  return Object.freeze({
    ...spec,
    schema: z.strictObject(shape) as EnvGroupSpec<F>["schema"],
  });
}

/** The variable of `field` for the group member `name` (upper case), e.g. `KEYSHIP_TRUST_MAIN_ISSUER`. */
export function groupVariable(group: AnyEnvGroup, name: string, field: string): string {
  return `${group.prefix}${name.toUpperCase()}_${(group.fields[field] as EnvGroupField).suffix}`;
}

/** The group's fields, longest suffix first (so `_ROLES_CLAIM` is tried before `_CLAIM`). */
function fieldsBySuffix(group: AnyEnvGroup): Array<[string, EnvGroupField]> {
  return (Object.entries(group.fields) as Array<[string, EnvGroupField]>).sort(
    ([, a], [, b]) => b.suffix.length - a.suffix.length,
  );
}

/** Where a member's raw values came from, field by field (a variable name or an option path). */
type Raw = { values: Record<string, unknown>; sources: Record<string, string> };

/** Collects the group's variables from `env` into members; unknown ones become problems. */
function collectVariables(
  group: AnyEnvGroup,
  env: Readonly<Record<string, string | undefined>>,
  reserved: ReadonlySet<string>,
  members: Map<string, Raw>,
  problems: string[],
): void {
  const fields = fieldsBySuffix(group);
  for (const [variable, value] of Object.entries(env)) {
    if (!variable.startsWith(group.prefix) || reserved.has(variable)) continue;
    // A variable set to nothing (or only spaces) counts as unset, like every setting.
    if (value === undefined || value.trim() === "") continue;
    const rest = variable.slice(group.prefix.length);
    const match = fields.find(([, f]) => rest.endsWith(`_${f.suffix}`));
    const name = match === undefined ? "" : rest.slice(0, -(match[1].suffix.length + 1));
    if (match === undefined || !ENV_NAME.test(name)) {
      const suffixes = fields.map(([, f]) => `_${f.suffix}`).join(", ");
      problems.push(
        `${variable} is not a known variable: ${group.prefix}<NAME>_… ends with one of ${suffixes} (e.g. ${groupVariable(group, group.exampleName, fields[0]?.[0] ?? "")}=${fields[0]?.[1].example}).`,
      );
      continue;
    }
    const id = name.toLowerCase();
    const member = members.get(id) ?? { values: {}, sources: {} };
    member.values[match[0]] = value;
    member.sources[match[0]] = variable;
    members.set(id, member);
  }
}

/** Merges the option form over the members read from variables, field by field. */
function mergeOptions(
  group: AnyEnvGroup,
  options: unknown,
  members: Map<string, Raw>,
  problems: string[],
): void {
  if (options === undefined) return;
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    problems.push(
      `option ${group.option} must be an object of named entries, e.g. ${group.option}: { ${group.exampleName.toLowerCase()}: { … } }.`,
    );
    return;
  }
  for (const [id, entry] of Object.entries(options)) {
    if (!OPTION_NAME.test(id) || typeof entry !== "object" || entry === null) {
      problems.push(
        `option ${group.option}.${id} is not valid: names are lower-case letters, digits and _, each an object (e.g. ${group.option}: { ${group.exampleName.toLowerCase()}: { … } }).`,
      );
      continue;
    }
    const member = members.get(id) ?? { values: {}, sources: {} };
    for (const [field, value] of Object.entries(entry as Record<string, unknown>)) {
      if (value === undefined) continue;
      member.values[field] = value;
      member.sources[field] = `option ${group.option}.${id}.${field}`;
    }
    members.set(id, member);
  }
}

/** One problem sentence per zod issue of a member, naming the variable and an example. */
function memberProblems(group: AnyEnvGroup, id: string, raw: Raw, error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    if (issue.code === "unrecognized_keys") {
      const known = Object.keys(group.fields).join(", ");
      return `option ${group.option}.${id} has unknown members ${issue.keys.join(", ")}; known: ${known}.`;
    }
    const field = String(issue.path[0] ?? "");
    const spec = group.fields[field] as EnvGroupField | undefined;
    const variable = spec === undefined ? field : groupVariable(group, id, field);
    const example = spec === undefined ? "" : ` (e.g. ${variable}=${spec.example})`;
    if (raw.values[field] === undefined) {
      return `${variable} is not set, and ${group.prefix}${id.toUpperCase()}_… needs it${example}.`;
    }
    return `${raw.sources[field] ?? variable} is not valid: ${issue.message}${example}.`;
  });
}

/**
 * Reads one group from `env` and `options`, validated member by member.
 * @param group the declared group
 * @param env the merged environment (process env over `.env`)
 * @param options the option form (`options[group.option]`), or undefined
 * @param reserved variables that are fixed settings (e.g. `KEYSHIP_TRUST_PROXY`), never group members
 * @returns the members by id (frozen), and one problem sentence per invalid value
 */
export function readEnvGroup<G extends AnyEnvGroup>(
  group: G,
  env: Readonly<Record<string, string | undefined>>,
  options: unknown,
  reserved: ReadonlySet<string>,
): { members: Readonly<Record<string, EnvGroupValue<G>>>; problems: string[] } {
  const raws = new Map<string, Raw>();
  const problems: string[] = [];
  collectVariables(group, env, reserved, raws, problems);
  mergeOptions(group, options, raws, problems);
  const members: Record<string, EnvGroupValue<G>> = {};
  for (const [id, raw] of [...raws].sort(([a], [b]) => a.localeCompare(b))) {
    const parsed = group.schema.safeParse(raw.values);
    if (parsed.success) members[id] = Object.freeze(parsed.data) as EnvGroupValue<G>;
    else problems.push(...memberProblems(group, id, raw, parsed.error));
  }
  return { members: Object.freeze(members), problems };
}
