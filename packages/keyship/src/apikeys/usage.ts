/**
 * `last_used_at` of API keys, written in batches: a request only notes the time in memory
 * (a `Map` set), and a timer writes the latest time of each key used since the last flush,
 * one `UPDATE` per key, every {@link LAST_USED_FLUSH_MS}. So a request never writes, and
 * `lastUsedAt` lags by up to that interval (or is lost for the last interval when the process
 * dies without `close()`). Several processes each write their own times; the update never
 * moves a time backwards.
 * @module
 */
import type { KeyshipContext } from "../context.ts";
import { touchApiKey } from "./store.ts";

/** How often noted last-used times are written. */
export const LAST_USED_FLUSH_MS = 60_000;

/** The batch of last-used times of one instance. */
export interface ApiKeyUsage {
  /** Notes that key `keyId` was used at `atMs` (epoch ms). No I/O. */
  record(keyId: string, atMs: number): void;
  /** Writes the noted times now. Never throws: a failed write is logged. */
  flush(): Promise<void>;
  /** Stops the timer and writes what is noted (on `close()`). */
  stop(): Promise<void>;
}

/**
 * Creates the batch. Its timer starts with the first noted use, and is unref'd: it never
 * keeps the process alive.
 * @param ctx the database and logger
 * @param intervalMs how often to write @default LAST_USED_FLUSH_MS
 */
export function createApiKeyUsage(
  ctx: Pick<KeyshipContext, "db" | "logger">,
  intervalMs: number = LAST_USED_FLUSH_MS,
): ApiKeyUsage {
  let pending = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  async function flush(): Promise<void> {
    if (pending.size === 0) return;
    const batch = pending;
    pending = new Map();
    for (const [keyId, atMs] of batch) {
      try {
        await touchApiKey(ctx.db, keyId, new Date(atMs).toISOString());
      } catch (err) {
        ctx.logger.warn({ err, keyId }, "could not record API key last_used_at");
      }
    }
  }

  return {
    record(keyId, atMs) {
      pending.set(keyId, atMs);
      if (timer === undefined && !stopped) {
        timer = setInterval(() => void flush(), intervalMs);
        timer.unref();
      }
    },
    flush,
    async stop() {
      stopped = true;
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      await flush();
    },
  };
}
