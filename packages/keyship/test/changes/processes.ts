/**
 * Real keyship processes on loopback for the multi-instance tests: servers spawned with their
 * own environment, the CLI run as a process, and a `KeyshipApp`-shaped adapter so the
 * account helpers (`registerAccount`, `postJson`…) speak HTTP to them.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { KeyshipApp } from "../../src/app.ts";
import { PINNED_CACHE_TTL_SECONDS } from "./instances.ts";

const SERVER = fileURLToPath(new URL("./server-process.ts", import.meta.url));
const CLI = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));

/** The environment every spawned process shares: the pinned cache TTL, a shared secret. */
export function baseEnv(settings: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    KEYSHIP_AUTH_CACHE_TTL_SECONDS: String(PINNED_CACHE_TTL_SECONDS),
    KEYSHIP_SESSION_SECRET: "change-feed-test-secret-0123456789abcdef",
    KEYSHIP_RATE_LIMIT_CEREMONY_IP: "1000000/1m",
    KEYSHIP_RATE_LIMIT_CEREMONY_ACCOUNT: "1000000/1m",
    KEYSHIP_MAX_OPEN_CHALLENGES_PER_IP: "10000",
    KEYSHIP_LOG_LEVEL: "warn",
    ...settings,
  };
}

/** A spawned server. */
export interface ServerProcess {
  readonly url: string;
  /** An adapter the test helpers accept where they take an app. */
  readonly app: KeyshipApp;
  /** What the process printed (stdout and stderr). */
  output(): string;
  stop(): Promise<void>;
}

/** Makes `fetch` against `url` look like `app.request()` to the test helpers. */
function remoteApp(url: string): KeyshipApp {
  return {
    request: (path: string, init?: RequestInit) => fetch(`${url}${path}`, init),
  } as unknown as KeyshipApp;
}

/** Starts a server process with `env` and waits until it listens. */
export async function startServer(env: Record<string, string>): Promise<ServerProcess> {
  const child: ChildProcess = spawn(process.execPath, [SERVER], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /URL (\S+)/.exec(output);
      if (match?.[1]) resolve(match[1].replace("localhost", "127.0.0.1"));
    });
    child.once("exit", (code) => reject(new Error(`server exited with ${code}: ${output}`)));
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    url,
    app: remoteApp(url),
    output: () => output,
    async stop() {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Runs `keyship …` as its own process; resolves with its exit code and output. */
export async function runCliProcess(
  env: Record<string, string>,
  ...argv: string[]
): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [CLI, ...argv], { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  for (const stream of [child.stdout, child.stderr]) {
    stream.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
  }
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { code, output };
}
