/**
 * Serves the built web app (`web/dist`, from `npm run build`) from the API's origin, so one
 * process and one origin serve everything in production. Unknown paths get `index.html`
 * (client-side routing); `/api`, `/auth` and keyship's own routes are never shadowed.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
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
 * Adds a catch-all GET route serving files from `directory`, when it exists.
 * @returns whether the directory was found
 */
export function serveWeb(app: KeyshipApp, directory: string): boolean {
  if (!existsSync(join(directory, "index.html"))) return false;
  app.get("*", async (c, next) => {
    const path = new URL(c.req.url).pathname;
    if (RESERVED.test(path)) return next();
    // normalize() resolves `..`; the result must stay inside the directory.
    const file = normalize(join(directory, decodeURIComponent(path)));
    const inside = file.startsWith(normalize(directory)) && extname(file) !== "";
    const target = inside && existsSync(file) ? file : join(directory, "index.html");
    const body = await readFile(target);
    const isAsset = target.includes(`${join(directory, "assets")}`);
    return c.body(body, 200, {
      "content-type": TYPES[extname(target)] ?? "application/octet-stream",
      "cache-control": isAsset ? "public, max-age=31536000, immutable" : "no-cache",
    });
  });
  return true;
}
