#!/usr/bin/env node
// The `keyship` command. A published package runs its build (dist/). In a checkout of the
// keyship repository, right after `npm ci` and before any build, dist/ is missing: then it runs
// the TypeScript sources, which Node 22.18+ (type stripping) can do; the repository pins Node 24.
import { existsSync } from "node:fs";

const built = new URL("../dist/cli/main.js", import.meta.url);
const source = new URL("../src/cli/main.ts", import.meta.url);
const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
const canRunSource = major > 22 || (major === 22 && minor >= 18);

if (existsSync(built) || !existsSync(source)) {
  const { runCli } = await import(built.href);
  process.exitCode = await runCli(process.argv.slice(2));
} else if (canRunSource) {
  const { runCli } = await import(source.href);
  process.exitCode = await runCli(process.argv.slice(2));
} else {
  process.stderr.write(
    `keyship: this checkout is not built, and Node.js ${process.versions.node} cannot run its ` +
      "TypeScript sources (Node 22.18 or newer can). Run it through npm (npx keyship …, which " +
      "uses the repository's pinned Node 24), or build it first: npm run build -w keyship\n",
  );
  process.exitCode = 1;
}
