/**
 * 405 detection. Hono answers an unknown method on a known path with 404; keyship answers
 * 405 `route.method_not_allowed` with an `Allow` header instead. The route table is compiled
 * once, after every route is mounted.
 *
 * Wildcard routes (`*`, such as a single-page app's fallback) do not make a path known: they
 * may pass every request on. And a method the path does serve never gets a 405: a handler
 * that passed the request on means "not found" (404).
 * @module
 */
import type { NotFoundHandler } from "hono";
import { ProblemError } from "../errors.ts";
import { problemResponse } from "./problem.ts";
import type { KeyshipEnv } from "./variables.ts";

interface CompiledRoute {
  readonly pattern: RegExp;
  readonly method: string;
}

function compile(path: string): RegExp {
  let source = "";
  for (const part of path.split("/").filter((p) => p.length > 0)) {
    if (part === "*") source += "(?:/.*)?";
    else if (part.startsWith(":")) {
      const custom = /^:[^{]+\{(.+)\}$/.exec(part);
      source += `/(${custom?.[1] ?? "[^/]+"})`;
    } else source += `/${part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`;
  }
  return new RegExp(`^${source === "" ? "/" : source}/?$`);
}

/**
 * Builds a not-found handler that answers 405 when another method exists for the path.
 * @param routes the app's route table (`app.routes`), read once
 */
export function methodNotAllowedHandler(
  routes: ReadonlyArray<{ readonly method: string; readonly path: string }>,
): NotFoundHandler<KeyshipEnv> {
  const compiled: CompiledRoute[] = routes
    .filter((r) => r.method !== "ALL" && !r.path.includes("*"))
    .map((r) => ({ pattern: compile(r.path), method: r.method }));
  return (c) => {
    const allowed = new Set(
      compiled.filter((r) => r.pattern.test(c.req.path)).map((r) => r.method),
    );
    if (allowed.has("GET")) allowed.add("HEAD");
    if (allowed.size === 0 || allowed.has(c.req.method)) {
      return problemResponse(c, new ProblemError("route.not_found"));
    }
    return problemResponse(
      c,
      new ProblemError("route.method_not_allowed", {
        headers: { Allow: [...allowed].sort().join(", ") },
      }),
    );
  };
}
