/**
 * Redis for tests: the shared one (KEYSHIP_TEST_REDIS_URL) for suites that only read and write
 * their own prefix, and a private `redis-server` on a free port for fault tests that stop and
 * restart it (never the shared one).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { createClient } from "redis";
import { freePort } from "./ports.ts";

/** The shared test Redis, or undefined (then Redis suites skip, unless CI=true). */
export const sharedRedisUrl = process.env.KEYSHIP_TEST_REDIS_URL || undefined;

/** Whether Redis suites must run: under CI=true a missing Redis fails the run. */
export const redisRequired = process.env.CI === "true";

/** A fresh key prefix, so suites sharing one Redis never see each other's keys. */
export function testPrefix(): string {
  return `keyship:test:${randomUUID()}:`;
}

/** Deletes every key under `prefix` from the Redis at `url` (never FLUSHDB: Redis is shared). */
export async function deletePrefix(url: string, prefix: string): Promise<void> {
  const client = createClient({ url, socket: { reconnectStrategy: false } });
  await client.connect();
  try {
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 200 })) {
      if (keys.length > 0) await client.del(keys);
    }
  } finally {
    await client.close();
  }
}

/** A private `redis-server` a test may stop and start again on the same port. */
export interface PrivateRedis {
  readonly url: string;
  readonly port: number;
  /** Starts it (again); resolves once it answers. */
  start(): Promise<void>;
  /** Kills it (SIGKILL: as abrupt as a crash); resolves once it exited. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts a private `redis-server --port <free> --save ''` (no persistence: a restart is empty).
 * @param options `running: false` picks the port without starting it @default { running: true }
 * @example
 * const redis = await startPrivateRedis();
 * await redis.stop(); await redis.start();
 */
export async function startPrivateRedis(
  options: { running?: boolean } = {},
): Promise<PrivateRedis> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;

  const start = async (): Promise<void> => {
    if (child !== undefined) return;
    const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly"];
    child = spawn("redis-server", [...args, "no"], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    const started = child;
    const ready = new Promise<void>((resolve, reject) => {
      started.once("exit", (code) => reject(new Error(`redis-server exited ${code}: ${output}`)));
      started.stdout?.on("data", () => {
        if (output.includes("Ready to accept connections")) resolve();
      });
    });
    await ready;
  };

  const stop = async (): Promise<void> => {
    const running = child;
    if (running === undefined) return;
    child = undefined;
    if (running.exitCode === null && running.signalCode === null) {
      const exited = once(running, "exit");
      running.kill("SIGKILL");
      await exited;
    }
  };

  if (options.running ?? true) await start();
  return { url, port, start, stop };
}

/** Resolves once `connection` is ready (at once when it is). */
export function redisReady(
  connection:
    | { readonly isReady: boolean; onChange(l: (s: { ready: boolean }) => void): () => void }
    | undefined,
): Promise<void> {
  return new Promise((resolve) => {
    if (connection === undefined || connection.isReady) return resolve();
    const off = connection.onChange((status) => {
      if (!status.ready) return;
      off();
      resolve();
    });
  });
}
