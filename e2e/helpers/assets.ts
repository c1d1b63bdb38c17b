/**
 * The test page's assets, built in-process with esbuild (no prior `npm run build` needed):
 * the SDK bundle from `packages/client/src`, the page script, and its HTML.
 * @module
 */

import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";

/** Where the page loads the SDK from; also the import the page script is bundled against. */
export const SDK_BUNDLE_PATH = "/keyship-client.browser.js";
/** Where the page loads its own script from. */
export const PAGE_SCRIPT_PATH = "/e2e-page.js";

/** The files the test server serves. */
export interface PageAssets {
  readonly html: string;
  /** `@keyship/client` as one ES module (its dependencies included). */
  readonly sdk: string;
  /** The page script, importing the SDK from {@link SDK_BUNDLE_PATH}. */
  readonly page: string;
}

const SDK_ENTRY = fileURLToPath(new URL("../../packages/client/src/index.ts", import.meta.url));
const PAGE_ENTRY = fileURLToPath(new URL("../page/app.ts", import.meta.url));
const PAGE_HTML = fileURLToPath(new URL("../page/index.html", import.meta.url));

/** The page imports `@keyship/client`; in the browser that is the separately served bundle. */
const sdkFromServer: Plugin = {
  name: "keyship-client-from-server",
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^@keyship\/client$/ }, () => ({
      path: SDK_BUNDLE_PATH,
      external: true,
    }));
  },
};

async function bundle(entry: string, plugins: Plugin[] = []): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    sourcemap: "inline",
    write: false,
    logLevel: "silent",
    plugins,
  });
  const [output] = result.outputFiles;
  if (output === undefined) throw new Error(`esbuild produced no output for ${entry}`);
  return output.text;
}

let building: Promise<PageAssets> | undefined;

/** Builds the assets once per test process. */
export function buildPageAssets(): Promise<PageAssets> {
  building ??= Promise.all([
    readFile(PAGE_HTML, "utf8"),
    bundle(SDK_ENTRY),
    bundle(PAGE_ENTRY, [sdkFromServer]),
  ]).then(([html, sdk, page]) => ({ html, sdk, page }));
  return building;
}
