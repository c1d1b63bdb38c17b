/**
 * The rules of docs/architecture.md, checked by machine: imports flow routes → service →
 * store and never upward, no import cycles, no source file over 400 lines and no function over
 * 80 (STYLE 1, 2).
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const repo = join(import.meta.dirname, "../../../..");
const src = join(repo, "packages/keyship/src");

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return walk(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

/**
 * Layers, lowest first. A file may import its own layer or a lower one. Type-only imports name
 * shapes, not code, and are exempt (the cycle rule still counts them).
 *
 * - core: what every layer shares: errors, ids, settings, caches, logging and tracing, models;
 * - store: `db/` and each feature's `store.ts` (Kysely queries);
 * - service: the rest of a feature folder (logic, transactions; no Hono);
 * - http: routes, middleware, the auth pipeline, guards, and the few HTTP helpers below;
 * - entry: the app factories, the public entry points and the CLI.
 */
const LAYERS = ["core", "store", "service", "http", "entry"] as const;
type Layer = (typeof LAYERS)[number];

/**
 * Files of a feature folder that are HTTP helpers (they take a Hono `Context`) although they
 * are not routes: each says why.
 */
const HTTP_HELPERS: Record<string, string> = {
  "sessions/cookies.ts": "reads and sets the session cookies on a request",
  "sessions/csrf.ts": "checks a request's Origin, Sec-Fetch-Site and CSRF header",
  "sessions/respond.ts": "answers a sign-in as JSON and cookies",
  "observability/init.ts": "installs the observability middleware on an app",
  "observability/requests.ts": "the request-logging middleware",
  "llm/sse-route.ts": "the SSE chat route handler",
  "audit/request.ts":
    "reads an audit event's source (caller, IP, user agent, trace id) from a request",
};

/** The public entry points (package.json `exports`), besides the root. */
const ENTRY_POINTS = new Set(
  Object.values(
    (
      JSON.parse(readFileSync(join(repo, "packages/keyship/package.json"), "utf8")) as {
        exports: Record<string, { "keyship-source": string }>;
      }
    ).exports,
  ).map((entry) => entry["keyship-source"].replace("./src/", "")),
);

const CORE_FILES = new Set([
  "errors.ts",
  "ids.ts",
  "optional.ts",
  "context.ts",
  "auth/principal.ts",
]);

function layerOf(file: string): Layer {
  const path = relative(src, file);
  const [folder] = path.split("/");
  if (path.startsWith("cli/") || ENTRY_POINTS.has(path)) return "entry";
  if (["app.ts", "keyship.ts", "server.ts"].includes(path)) return "entry";
  if (path in HTTP_HELPERS || path.endsWith("-route.ts")) return "http";
  if (CORE_FILES.has(path) || path.endsWith("/model.ts")) return "core";
  if (["config", "cache", "observability"].includes(folder as string)) return "core";
  if (folder === "db" || path.endsWith("/store.ts")) return "store";
  if (["http", "auth", "guards", "apidocs"].includes(folder as string)) return "http";
  if (path === "routes.ts" || path.endsWith("/routes.ts")) return "http";
  return "service";
}

interface Import {
  readonly target: string;
  readonly typeOnly: boolean;
}

function importsOf(file: string): Import[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest);
  const out: Import[] = [];
  for (const statement of source.statements) {
    if (
      (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) &&
      statement.moduleSpecifier !== undefined &&
      ts.isStringLiteral(statement.moduleSpecifier)
    ) {
      const typeOnly = ts.isImportDeclaration(statement)
        ? statement.importClause?.isTypeOnly === true
        : statement.isTypeOnly;
      const spec = statement.moduleSpecifier.text;
      out.push({
        target: spec.startsWith(".") ? resolve(dirname(file), spec) : spec,
        typeOnly,
      });
    }
  }
  return out;
}

const files = walk(src);
const graph = new Map(files.map((file) => [file, importsOf(file)]));
const rel = (file: string) => relative(src, file);

describe("architecture rules", () => {
  it.each([
    ["passkeys/store.ts", "store"],
    ["db/migrate.ts", "store"],
    ["passkeys/login.ts", "service"],
    ["passkeys/routes.ts", "http"],
    ["auth/authenticate.ts", "http"],
    ["auth/principal.ts", "core"],
    ["errors.ts", "core"],
    ["app.ts", "entry"],
    ["passwords/index.ts", "entry"],
  ])("puts %s in the %s layer", (path, layer) => {
    expect(layerOf(join(src, path))).toBe(layer);
  });

  it("imports flow one way: entry → http → service → store, never upward", () => {
    const upward: string[] = [];
    for (const [file, imports] of graph) {
      const own = LAYERS.indexOf(layerOf(file));
      for (const { target, typeOnly } of imports) {
        if (!target.startsWith(src) || typeOnly) continue;
        if (LAYERS.indexOf(layerOf(target)) > own) {
          upward.push(`${rel(file)} (${layerOf(file)}) → ${rel(target)} (${layerOf(target)})`);
        }
      }
    }
    expect(upward).toEqual([]);
  });

  it("keeps hono out of services and stores (schemas may use @hono/zod-openapi's z)", () => {
    const offenders: string[] = [];
    for (const [file, imports] of graph) {
      const layer = layerOf(file);
      if (layer === "http" || layer === "entry") continue;
      for (const { target, typeOnly } of imports) {
        const isSchema = /schemas?\.ts$|\/jwk\.ts$/.test(file) && target === "@hono/zod-openapi";
        if (
          (target === "hono" || target.startsWith("hono/") || target.startsWith("@hono/")) &&
          !isSchema
        )
          offenders.push(`${rel(file)} → ${target}${typeOnly ? " (type)" : ""}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it("has no import cycles, type-only imports included", () => {
    const cycles: string[] = [];
    const state = new Map<string, "open" | "done">();
    const stack: string[] = [];
    const visit = (file: string) => {
      state.set(file, "open");
      stack.push(file);
      for (const { target } of graph.get(file) ?? []) {
        if (!graph.has(target)) continue;
        if (state.get(target) === "open") {
          cycles.push(stack.slice(stack.indexOf(target)).concat(target).map(rel).join(" → "));
        } else if (state.get(target) === undefined) visit(target);
      }
      stack.pop();
      state.set(file, "done");
    };
    for (const file of files) if (state.get(file) === undefined) visit(file);
    expect(cycles).toEqual([]);
  });

  const sources = ["keyship", "client", "create-keyship"].flatMap((pkg) =>
    walk(join(repo, "packages", pkg, "src")),
  );

  it("keeps every source file at 400 lines or fewer", () => {
    const long = sources
      .map((file) => [relative(repo, file), readFileSync(file, "utf8").split("\n").length] as const)
      .filter(([, lines]) => lines > 400);
    expect(long).toEqual([]);
  });

  it("keeps every function at 80 lines or fewer", () => {
    const long: string[] = [];
    for (const file of sources) {
      const text = readFileSync(file, "utf8");
      const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
      const visit = (node: ts.Node) => {
        if (ts.isFunctionLike(node) && "body" in node && node.body !== undefined) {
          const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
          const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
          if (end - start + 1 > 80) {
            const name = node.name?.getText(source) ?? "(anonymous)";
            long.push(`${relative(repo, file)}:${start + 1} ${name} (${end - start + 1} lines)`);
          }
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    expect(long).toEqual([]);
  });
});
