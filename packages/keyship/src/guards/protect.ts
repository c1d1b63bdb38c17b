/**
 * `protectRoutes()`: the route-protection table (`guards/patterns.ts`) compiled once into an
 * ordered matcher. A request walks the rules until the first whose path and method match, and
 * that rule's guards answer (401 `auth.unauthenticated`, 403 `auth.forbidden`, exactly as the
 * guards do); an unmatched request gets the default. Without rules and with the default
 * `public` nothing is compiled and `createApp()` installs no middleware at all.
 * @module
 */
import type { MiddlewareHandler } from "hono";
import type { Settings } from "../config/schema.ts";
import type { KeyshipEnv } from "../http/variables.ts";
import {
  requireAdmin,
  requireClaims,
  requireMaster,
  requireRoles,
  requireScopes,
  requireUser,
} from "./guards.ts";
import type { ProtectionTable, ProtectRule, Requirement } from "./patterns.ts";

type Guard = MiddlewareHandler<KeyshipEnv>;

/** Options of {@link compileProtection}. */
export interface ProtectOptions {
  /**
   * Path patterns of keyship's own routes, which guard themselves: matched after the table's
   * rules and before its default, so `"default": "user"` never locks out sign-in.
   * @default none (`createApp()` passes {@link keyshipOwnPaths})
   */
  readonly ownPaths?: readonly string[];
}

/** The routes `createApp()` mounts for keyship itself; each answers with its own guards. */
export function keyshipOwnPaths(
  settings: Pick<Settings, "adminEnabled" | "metricsEnabled">,
): string[] {
  return [
    "/auth/*",
    ...(settings.adminEnabled ? ["/admin/*"] : []),
    "/health",
    "/health/ready",
    "/.well-known/jwks.json",
    "/openapi.json",
    "/docs/*",
    ...(settings.metricsEnabled ? ["/metrics"] : []),
  ];
}

const REQUIRED: Record<Exclude<Requirement, "public">, () => Guard> = {
  user: requireUser,
  admin: requireAdmin,
  master: requireMaster,
  apikey: () => requireClaims((p) => p.via === "apikey"),
  client: () => requireClaims((p) => p.via === "client"),
  external: () => requireClaims((p) => p.via === "external"),
};

/** The guards of a rule, run one after the other; undefined for a public rule. */
function guardOf(rule: Pick<ProtectRule, "require" | "roles" | "scopes">): Guard | undefined {
  if (rule.require === "public") return undefined;
  const guards = [REQUIRED[rule.require]()];
  if (rule.roles !== undefined) guards.push(requireRoles(...rule.roles));
  if (rule.scopes !== undefined) guards.push(requireScopes(rule.scopes));
  return guards.reduceRight<Guard>(
    (inner, guard) => (c, next) => guard(c, () => inner(c, next) as Promise<void>),
    (_c, next) => next(),
  );
}

interface CompiledRule {
  /** `/x/*`: `/x` itself, and everything below `/x/`. `/x*`: everything starting with `/x`. */
  readonly prefix: string | undefined;
  readonly base: string | undefined;
  /** An exact path; also matched with one trailing slash (routers that ignore it). */
  readonly exact: string | undefined;
  readonly methods: ReadonlySet<string> | undefined;
  readonly guard: Guard | undefined;
}

function compileRule(rule: ProtectRule): CompiledRule {
  const { path } = rule;
  const methods = rule.methods === undefined ? undefined : new Set(rule.methods);
  // Hono answers HEAD with the GET route: a rule for GET covers HEAD too.
  if (methods?.has("GET")) methods.add("HEAD");
  const prefix = path.endsWith("*") ? path.slice(0, -1) : undefined;
  return {
    prefix,
    base: prefix?.endsWith("/") ? prefix.slice(0, -1) : undefined,
    exact: prefix === undefined ? path.replace(/(.)\/$/, "$1") : undefined,
    methods,
    guard: guardOf(rule),
  };
}

function matches(rule: CompiledRule, path: string, method: string): boolean {
  if (rule.methods !== undefined && !rule.methods.has(method)) return false;
  if (rule.prefix !== undefined) return path.startsWith(rule.prefix) || path === rule.base;
  return path === rule.exact || path === `${rule.exact}/`;
}

/** Public rules for keyship's own paths. */
function ownRules(paths: readonly string[]): ProtectRule[] {
  return paths.map((path) => ({
    path,
    methods: undefined,
    require: "public",
    roles: undefined,
    scopes: undefined,
    origin: "keyship",
  }));
}

/**
 * Compiles the table into one middleware for after `authenticate()`, or undefined when it
 * protects nothing (no rules, default `public`).
 * @param table what `loadProtection()` loaded
 * @param options keyship's own paths (exempt from the default)
 */
export function compileProtection(
  table: ProtectionTable,
  options: ProtectOptions = {},
): Guard | undefined {
  const fallback = guardOf({ require: table.fallback, roles: undefined, scopes: undefined });
  if (table.rules.length === 0 && fallback === undefined) return undefined;
  // keyship's own paths matter only against a default that is not public.
  const own = fallback === undefined ? [] : ownRules(options.ownPaths ?? []);
  const rules = [...table.rules, ...own].map(compileRule);

  return function keyshipProtectRoutes(c, next) {
    let path = c.req.path;
    // Never let `//internal` slip past `/internal/*` on a router that collapses slashes.
    if (path.includes("//")) path = path.replace(/\/{2,}/g, "/");
    const method = c.req.method;
    let guard = fallback;
    for (const rule of rules) {
      if (matches(rule, path, method)) {
        guard = rule.guard;
        break;
      }
    }
    if (guard === undefined) return next();
    let allowed = false;
    const result = guard(c, () => {
      allowed = true;
      return next();
    });
    if (allowed) return result;
    // A refusal is the answer, also where the caller drops a middleware's return value
    // (createApp() runs this inside its first middleware, after a cold token's await).
    return Promise.resolve(result).then((res) => {
      if (res instanceof Response) c.res = res;
      return res;
    });
  };
}

/**
 * The route-protection middleware: `compileProtection()`, or a pass-through when the table
 * protects nothing. Put it after `authenticate()`.
 * @param table what `loadProtection()` loaded
 * @param options keyship's own paths (exempt from the default)
 */
export function protectRoutes(table: ProtectionTable, options: ProtectOptions = {}): Guard {
  return compileProtection(table, options) ?? ((_c, next) => next());
}

const requirementOf = (rule: Pick<ProtectRule, "require" | "roles" | "scopes">): string =>
  [
    rule.require,
    ...(rule.roles === undefined ? [] : [`roles ${rule.roles.join("|")}`]),
    ...(rule.scopes === undefined ? [] : [`scopes ${rule.scopes.join(" ")}`]),
  ].join(", ");

/**
 * The effective table as text, one line per rule in the order they are matched, then
 * keyship's own paths (when the default is not public) and the default; for `keyship doctor`.
 * @param table what `loadProtection()` loaded
 * @param options keyship's own paths
 */
export function describeProtection(table: ProtectionTable, options: ProtectOptions = {}): string[] {
  const own = table.fallback === "public" ? [] : ownRules(options.ownPaths ?? []);
  const rows = [
    ["#", "path", "methods", "requires", "from"],
    ...table.rules.map((rule, i) => [
      String(i + 1),
      rule.path,
      rule.methods?.join(",") ?? "any",
      requirementOf(rule),
      rule.origin,
    ]),
    ...own.map((rule) => ["-", rule.path, "any", "its own guards", "keyship"]),
    ["*", "anything else", "any", table.fallback, table.fallbackOrigin ?? "built-in default"],
  ];
  const widths = rows[0]?.map((_, col) => Math.max(...rows.map((row) => row[col]?.length ?? 0)));
  return rows.map((row) =>
    row
      .map((cell, col) => (col === row.length - 1 ? cell : cell.padEnd(widths?.[col] ?? 0)))
      .join("  "),
  );
}
