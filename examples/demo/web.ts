/**
 * The demo's web front end: the fullstack template's React app (`create-keyship`'s
 * `templates/fullstack/web`), bundled in memory with esbuild at startup and served from the API's
 * origin. React, react-dom and esbuild are devDependencies of this repository.
 * @module
 */

import { readFile } from "node:fs/promises";
import { delimiter } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";

/** The files to serve, by URL path. */
export interface DemoWeb {
  readonly files: ReadonlyMap<string, { readonly body: string; readonly type: string }>;
}

const WEB = fileURLToPath(
  new URL("../../packages/create-keyship/templates/fullstack/web/", import.meta.url),
);
const TITLE = "keyship demo";

/** Fills the template's `{{title}}` placeholder, as create-keyship does when generating. */
const fillTitle: Plugin = {
  name: "fill-template-title",
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /\.tsx$/ }, async (args) => ({
      contents: (await readFile(args.path, "utf8")).replaceAll("{{title}}", TITLE),
      loader: "tsx",
    }));
  },
};

/**
 * Builds the web app.
 * @returns the files to serve
 */
export async function buildDemoWeb(): Promise<DemoWeb> {
  const result = await build({
    entryPoints: { app: `${WEB}src/main.tsx` },
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    jsx: "automatic",
    minify: true,
    write: false,
    outdir: "/assets",
    logLevel: "silent",
    conditions: ["keyship-source"],
    nodePaths: (process.env.NODE_PATH ?? "").split(delimiter).filter((p) => p !== ""),
    define: { "import.meta.env.VITE_PASSWORDS": '"false"' },
    plugins: [fillTitle],
  });
  const files = new Map<string, { body: string; type: string }>();
  for (const output of result.outputFiles) {
    const type = output.path.endsWith(".css")
      ? "text/css; charset=utf-8"
      : "text/javascript; charset=utf-8";
    files.set(output.path, { body: output.text, type });
  }
  const html = (await readFile(`${WEB}index.html`, "utf8"))
    .replaceAll("{{title}}", TITLE)
    .replace(
      '<script type="module" src="/src/main.tsx"></script>',
      '<link rel="stylesheet" href="/assets/app.css" />\n    <script type="module" src="/assets/app.js"></script>',
    );
  files.set("/", { body: html, type: "text/html; charset=utf-8" });
  files.set("/favicon.svg", {
    body: await readFile(`${WEB}public/favicon.svg`, "utf8"),
    type: "image/svg+xml",
  });
  return { files };
}
