/**
 * An argon2 backend on low-priority worker threads. `@node-rs/argon2`'s async calls run on
 * libuv's pool at normal priority, so on a small machine a login storm competes with the event
 * loop for every core. Here each hash runs synchronously inside a worker thread whose OS
 * priority is lowered (nice 19 on Linux, where priority is per thread; elsewhere the workers
 * keep normal priority, since lowering it there would lower the whole process): the event loop
 * wins the CPU, and hashes use what is left.
 * @module
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type { Options as Argon2Options } from "@node-rs/argon2";
import type { Argon2Backend } from "./hash.ts";

// Plain CommonJS, evaluated in the worker (no file to resolve in src/ or dist/).
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { setPriority } = require("node:os");
const argon2 = require(workerData.argon2);
// Only where priority is per thread: elsewhere (macOS, Windows) it would lower the whole process.
if (workerData.perThreadPriority) {
  try { setPriority(19); } catch {}
}
parentPort.on("message", ({ id, op, a, b }) => {
  try {
    const result = op === "hash" ? argon2.hashSync(a, b) : argon2.verifySync(a, b);
    parentPort.postMessage({ id, result });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message) });
  }
});
`;

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/**
 * Creates `size` low-priority argon2 workers. Pair it with a hasher whose `maxConcurrency` is
 * at most `size` (each worker runs one hash at a time; extra calls queue in the worker).
 * The workers are unref'd: they never keep the process alive.
 *
 * @param size how many worker threads
 * @example
 * const hasher = createPasswordHasher({ maxConcurrency: 1, backend: lowPriorityArgon2Backend(1) });
 */
export function lowPriorityArgon2Backend(size: number): Argon2Backend {
  const argon2Path = createRequire(import.meta.url).resolve("@node-rs/argon2");
  const pending = new Map<number, Pending>();
  let nextId = 0;
  const workers = Array.from({ length: size }, () => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { argon2: argon2Path, perThreadPriority: process.platform === "linux" },
    });
    worker.unref();
    worker.on("message", (msg: { id: number; result?: unknown; error?: string }) => {
      const call = pending.get(msg.id);
      pending.delete(msg.id);
      if (msg.error !== undefined) call?.reject(new Error(msg.error));
      else call?.resolve(msg.result);
    });
    return worker;
  });
  let turn = 0;
  const call = <T>(op: "hash" | "verify", a: string, b: unknown): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      const worker = workers[turn++ % workers.length] as Worker;
      worker.postMessage({ id, op, a, b });
    });
  return {
    hash: (password: string, options: Argon2Options) => call<string>("hash", password, options),
    verify: (hashed: string, password: string) => call<boolean>("verify", hashed, password),
  };
}
