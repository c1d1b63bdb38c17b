/**
 * A generated app for the scaffold e2e test: this repository's packages built and packed as
 * tarballs, `create-keyship` generating the fullstack template against them in a temp dir,
 * `npm install` from the registry, and `npm run dev` started on free ports.
 * @module
 */

import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { generateProject } from "../../packages/create-keyship/src/index.ts";
import { freePort } from "./server.ts";

const run = promisify(execFile);
const REPO = fileURLToPath(new URL("../../", import.meta.url));

/** This Node first on PATH, so npm and the app's scripts run on it (not an older global one). */
const ENV = {
  ...process.env,
  PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ""}`,
  npm_config_audit: "false",
  npm_config_fund: "false",
  npm_config_update_notifier: "false",
};

/** A generated, installed and running app. */
export interface ScaffoldedApp {
  /** `http://localhost:<web port>`: the one origin of the app (Vite proxies the API). */
  readonly origin: string;
  readonly directory: string;
  /** Runs `npm <args>` in the app's directory. @returns its stdout @throws when it fails */
  npm(...args: string[]): Promise<string>;
  /** Stops `npm run dev` and deletes the temp directory. */
  close(): Promise<void>;
}

/**
 * Builds `keyship` and `@keyship/client` (tsc emits even when another, unfinished part of the
 * repository fails its type check — `npm run typecheck` reports that) and packs them.
 * @returns the directory holding the two tarballs
 */
async function packLocalPackages(destination: string): Promise<string> {
  const started = Date.now();
  await mkdir(destination, { recursive: true });
  for (const [directory, output] of [
    ["packages/keyship", "dist/index.js"],
    ["packages/client", "dist/index.js"],
  ] as const) {
    const cwd = join(REPO, directory);
    await run("npm", ["run", "build"], { cwd, env: ENV }).catch(() => {});
    const path = join(cwd, output);
    if (!existsSync(path) || statSync(path).mtimeMs < started - 1000) {
      throw new Error(`building ${directory} did not write ${output}`);
    }
    await run("npm", ["pack", "--pack-destination", destination], { cwd, env: ENV });
  }
  return destination;
}

/** Polls `url` until it answers 200. @throws after `timeoutMs`, with the app's output */
async function waitFor(url: string, timeoutMs: number, output: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms; app output:\n${output()}`);
}

/**
 * Generates the fullstack app into a temp dir with local packages, installs it, and starts
 * `npm run dev` on free ports with its own SQLite file.
 */
export async function startScaffoldedApp(): Promise<ScaffoldedApp> {
  const root = await mkdtemp(join(tmpdir(), "keyship-scaffold-"));
  let dev: ChildProcess | undefined;
  const close = async () => {
    if (dev?.pid !== undefined && dev.exitCode === null) {
      const exited = new Promise((resolve) => dev?.once("exit", resolve));
      process.kill(-dev.pid, "SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
    }
    await rm(root, { recursive: true, force: true });
  };
  try {
    const packages = await packLocalPackages(join(root, "packages"));
    const directory = join(root, "my-app");
    await generateProject({ directory, localPackages: packages, packageManager: "npm" });
    await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund"], {
      cwd: directory,
      env: ENV,
      maxBuffer: 16 * 1024 * 1024,
    });

    const [apiPort, webPort] = await Promise.all([freePort(), freePort()]);
    const origin = `http://localhost:${webPort}`;
    let output = "";
    dev = spawn(process.execPath, ["scripts/dev.mjs"], {
      cwd: directory,
      detached: true, // its own process group: close() stops the API and Vite with it
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...ENV,
        KEYSHIP_PORT: String(apiPort),
        WEB_PORT: String(webPort),
        KEYSHIP_ORIGIN: origin,
        KEYSHIP_DATABASE_URL: `sqlite:${join(root, "app.db")}`,
        KEYSHIP_LOG_LEVEL: "warn",
      },
    });
    dev.stdout?.on("data", (chunk) => {
      output += chunk;
    });
    dev.stderr?.on("data", (chunk) => {
      output += chunk;
    });
    // Through Vite's proxy: both halves are up once this answers.
    await waitFor(`${origin}/health`, 60_000, () => output);
    const npm = async (...args: string[]) =>
      (await run("npm", args, { cwd: directory, env: ENV, maxBuffer: 16 * 1024 * 1024 })).stdout;
    return { origin, directory, npm, close };
  } catch (error) {
    await close();
    throw error;
  }
}
