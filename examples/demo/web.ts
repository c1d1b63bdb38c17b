/**
 * The demo's web front end: the fullstack template's React app (`create-keyship`'s
 * `templates/fullstack/web`), bundled in memory with esbuild at startup and served from the API's
 * origin. When React cannot be resolved (it is not a dependency of this repository yet), a small
 * page says how to get the full app instead.
 * @module
 */

import { readFile } from "node:fs/promises";
import { delimiter } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";

/** The files to serve, by URL path. */
export interface DemoWeb {
  /** True when the React app was built; false for the fallback page. */
  readonly isReactApp: boolean;
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
 * Builds the web app, or the fallback page when React is missing.
 * @returns the files to serve
 */
export async function buildDemoWeb(): Promise<DemoWeb> {
  try {
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
    return { isReactApp: true, files };
  } catch (error) {
    const message = String((error as Error).message);
    if (!/Could not resolve "react/.test(message)) throw error;
    return {
      isReactApp: false,
      files: new Map([["/", { body: FALLBACK, type: "text/html; charset=utf-8" }]]),
    };
  }
}

const FALLBACK = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${TITLE}</title>
<style>
  body { font-family: system-ui, sans-serif; background: #f6f7fb; color: #0f172a; margin: 0; display: grid; place-items: center; min-height: 100vh; }
  main { background: #fff; border: 1px solid #e2e8f0; border-radius: 14px; padding: 2rem; max-width: 560px; margin: 1rem; line-height: 1.55; }
  code { background: #eef2ff; color: #4f46e5; padding: 0.1em 0.35em; border-radius: 6px; }
  a { color: #4f46e5; }
</style></head>
<body><main>
  <h1>keyship demo</h1>
  <p>The API of the fullstack template is running here: <a href="/docs">API docs</a> ·
  <a href="/health">health</a>.</p>
  <p>Its React web app needs <code>react</code> and <code>react-dom</code>, which this checkout
  does not have installed. Generate the full app instead (see <code>docs/scaffold.md</code>):</p>
  <pre><code>npm run build -w keyship -w @keyship/client
npm pack -w keyship -w @keyship/client --pack-destination /tmp/keyship-packages
node packages/create-keyship/src/main.ts ../my-app --local-packages /tmp/keyship-packages
cd ../my-app && npm run dev</code></pre>
</main></body></html>`;
