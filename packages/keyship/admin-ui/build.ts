/**
 * Builds the admin console's script: `admin-ui/main.ts` and `@keyship/client` bundled by
 * esbuild into `assets/admin/console.js`, which ships in the package (no CDN, no build step
 * for users). `npm run build:admin` writes it; test/admin/console-bundle.test.ts builds it in
 * memory and fails when the committed file differs.
 * @module
 */

import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { type BuildOptions, build } from "esbuild";

/** The package directory; esbuild's paths (and its comments in the output) are relative to it. */
const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));

/** The committed bundle. */
export const CONSOLE_SCRIPT = fileURLToPath(new URL("../assets/admin/console.js", import.meta.url));

const OPTIONS: BuildOptions = {
  absWorkingDir: PACKAGE_DIR,
  entryPoints: ["admin-ui/main.ts"],
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  // The workspace's sources, not a dist/ that may be stale or missing.
  conditions: ["keyship-source"],
  charset: "utf8",
  legalComments: "none",
  banner: {
    js: "// keyship admin console. Generated from admin-ui/ by `npm run build:admin`: do not edit.",
  },
  write: false,
  logLevel: "silent",
};

/**
 * Bundles the console.
 * @returns the text of console.js
 */
export async function buildConsoleScript(): Promise<string> {
  const result = await build(OPTIONS);
  const [output] = result.outputFiles ?? [];
  if (output === undefined) throw new Error("esbuild produced no output for the admin console");
  return output.text;
}

if (import.meta.main) {
  await writeFile(CONSOLE_SCRIPT, await buildConsoleScript());
  console.log(`wrote ${CONSOLE_SCRIPT}`);
}
