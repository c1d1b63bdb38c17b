/**
 * The peer benchmark's own dependencies (Better Auth, Vega-Lite), installed into bench/peers/
 * from its committed lock file, never into the root workspace: `npm ci --prefix bench/peers`
 * on the first run, and again whenever the lock file changed since; and keyship's own build,
 * for the idle-memory probe.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** bench/peers/, the folder with the peer benchmark's package.json and lock file. */
export const PEERS_DIR = fileURLToPath(new URL("./peers/", import.meta.url));

/** Installs bench/peers/'s dependencies unless the installed ones match its lock file. */
export function ensurePeerDependencies(): void {
  const lock = readFileSync(`${PEERS_DIR}package-lock.json`, "utf8");
  const stamp = `${PEERS_DIR}node_modules/.bench-peers-lock`;
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === lock) return;
  console.log("bench:peers: installing bench/peers/ dependencies (npm ci --prefix bench/peers)…");
  const npm = spawnSync(
    "npm",
    ["ci", "--prefix", PEERS_DIR, "--no-audit", "--no-fund", "--ignore-scripts"],
    { stdio: "inherit" },
  );
  if (npm.status !== 0) throw new Error(`npm ci in bench/peers failed (${npm.status})`);
  writeFileSync(stamp, lock);
}

/** The newest modification time under `dir`, in ms. */
function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile())
      latest = Math.max(latest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return latest;
}

/**
 * Builds keyship's dist/ (what an application runs, and what the idle-memory probe loads)
 * unless it is newer than every file of src/.
 */
export function ensureBuiltKeyship(): void {
  const pkg = fileURLToPath(new URL("../packages/keyship/", import.meta.url));
  const built = join(pkg, "dist/index.js");
  if (existsSync(built) && statSync(built).mtimeMs >= newest(join(pkg, "src"))) return;
  console.log("bench:peers: building keyship (npm run build -w keyship)…");
  const npm = spawnSync("npm", ["run", "build", "-w", "keyship"], { stdio: "inherit" });
  if (npm.status !== 0) throw new Error(`building keyship failed (${npm.status})`);
}
