/**
 * The fullstack template's web app (packages/create-keyship/templates/fullstack/web) bundled
 * in-process with esbuild, as Vite would build it, and served by a test server next to keyship:
 * the template's pages in Chromium without generating and installing a project
 * (e2e/scaffold.test.ts does that, once, for the whole path).
 * @module
 */

import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import type { KeyshipApp } from "keyship";

const WEB = fileURLToPath(
  new URL("../../packages/create-keyship/templates/fullstack/web/", import.meta.url),
);

/** Where the bundle is served. */
const SCRIPT_PATH = "/template/app.js";
const STYLES_PATH = "/template/app.css";

/** The template's `import.meta.env` (its web/.env). */
export interface TemplateEnv {
  readonly VITE_PASSWORDS?: "true" | "false";
  readonly VITE_RECOVERY_EMAIL?: "true" | "false";
}

interface TemplateAssets {
  readonly script: string;
  readonly styles: string;
}

async function bundleTemplate(env: TemplateEnv): Promise<TemplateAssets> {
  const define: Record<string, string> = { "process.env.NODE_ENV": '"development"' };
  for (const name of ["VITE_PASSWORDS", "VITE_RECOVERY_EMAIL"] as const) {
    define[`import.meta.env.${name}`] = JSON.stringify(env[name] ?? "false");
  }
  const result = await build({
    absWorkingDir: WEB,
    entryPoints: ["src/main.tsx"],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    jsx: "automatic",
    // The workspace's sources, as the repository's tests use them.
    conditions: ["keyship-source"],
    define,
    outdir: "out",
    write: false,
    logLevel: "silent",
  });
  const text = (extension: string) =>
    result.outputFiles.find((file) => file.path.endsWith(extension))?.text ?? "";
  return { script: text(".js"), styles: text(".css") };
}

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <title>template</title>
    <link rel="stylesheet" href="${STYLES_PATH}" />
  </head>
  <body>
    <div id="root"></div>
    <script type="module" src="${SCRIPT_PATH}"></script>
  </body>
</html>`;

/**
 * Serves the template's web app on `app`: its script and styles, and its page at each of
 * `paths` (client routes such as `/signup`; `/` stays the test page of e2e/helpers/server.ts).
 * Bundles once, on the first request.
 * @example startE2EServer({ routes: (app) => serveTemplate(app, ["/signup"], {}) })
 */
export function serveTemplate(
  app: KeyshipApp,
  paths: readonly string[],
  env: TemplateEnv = {},
): void {
  let assets: Promise<TemplateAssets> | undefined;
  const built = () => {
    assets ??= bundleTemplate(env);
    return assets;
  };
  const headers = (type: string) => ({ "content-type": type, "cache-control": "no-store" });
  app.get(SCRIPT_PATH, async (c) =>
    c.body((await built()).script, 200, headers("text/javascript; charset=utf-8")),
  );
  app.get(STYLES_PATH, async (c) =>
    c.body((await built()).styles, 200, headers("text/css; charset=utf-8")),
  );
  for (const path of paths) app.get(path, (c) => c.html(PAGE));
}
