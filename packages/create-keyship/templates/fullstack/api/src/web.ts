/**
 * Serves the built web app (`web/dist`, from `npm run build`) from the API's origin, so one
 * process and one origin serve everything in production. Unknown paths get `index.html`
 * (client-side routing) when a browser navigates to them (`Accept: text/html`); any other
 * client gets the JSON 404. `/api`, `/auth` and keyship's own routes are never shadowed.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import type { KeyshipApp } from "keyship";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".webmanifest": "application/manifest+json",
};

const RESERVED = /^\/(api|auth|health|docs|openapi\.json)(\/|$)/;

/**
 * Whether a request is a browser navigation, which the app's `index.html` answers: a fetch
 * of JSON (`Accept: application/json`, or none) to a missing route must get the 404 problem.
 */
export function wantsAppShell(accept: string | undefined): boolean {
  return accept !== undefined && /\btext\/html\b/i.test(accept);
}

/** The path decoded, or undefined when its percent-encoding is broken. */
function decoded(path: string): string | undefined {
  try {
    return decodeURIComponent(path);
  } catch {
    return undefined;
  }
}

/**
 * Adds a catch-all GET route serving files from `directory`, when it exists.
 * @returns whether the directory was found
 */
export function serveWeb(app: KeyshipApp, directory: string): boolean {
  if (!existsSync(join(directory, "index.html"))) return false;
  const root = normalize(directory) + sep;
  app.get("*", async (c, next) => {
    const path = decoded(new URL(c.req.url).pathname);
    if (path === undefined || RESERVED.test(path)) return next();
    // normalize() resolves `..`; the result must stay inside the directory.
    const file = normalize(join(directory, path));
    const isFile = file.startsWith(root) && extname(file) !== "" && existsSync(file);
    if (!isFile && !wantsAppShell(c.req.header("accept"))) return next();
    const target = isFile ? file : join(directory, "index.html");
    const body = await readFile(target);
    const isAsset = target.startsWith(join(root, "assets") + sep);
    return c.body(body, 200, {
      "content-type": TYPES[extname(target)] ?? "application/octet-stream",
      "cache-control": isAsset ? "public, max-age=31536000, immutable" : "no-cache",
    });
  });
  return true;
}
