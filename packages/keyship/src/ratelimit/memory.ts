/**
 * The in-process rate-limit store: a bounded `Map`. Right for one process; behind a load
 * balancer use the Redis store, or each instance counts separately.
 * @module
 */
import { KeyshipConfigError } from "../errors.ts";
import { type RateLimitHit, type RateLimitStore, windowOf } from "./store.ts";

/** Options for {@link memoryRateLimitStore}. */
export interface MemoryRateLimitStoreOptions {
  /**
   * The most keys held at once. When full, expired windows go first; if that is not enough,
   * the oldest windows go, down to 90% of the cap (a flood of fresh keys can thus reset older
   * counters early — size the cap above your peak of distinct keys per window).
   * @default 10000
   */
  readonly maxKeys?: number;
}

/** A {@link RateLimitStore} that lives in this process. */
export interface MemoryRateLimitStore extends RateLimitStore {
  /** How many keys the store holds now. */
  readonly size: number;
  /** The cap on {@link MemoryRateLimitStore.size}. */
  readonly maxKeys: number;
}

interface Entry {
  count: number;
  resetAt: number;
}

/**
 * Creates an in-memory, bounded rate-limit store. It starts no timers: expired windows are
 * swept when the store is full, using the clock the caller passes to `hit`.
 *
 * @param options the key cap @default { maxKeys: 10000 }
 * @example
 * const limiter = createRateLimiter({ store: memoryRateLimitStore(), rules: { login: { limit: 10, windowMs: 60_000 } } });
 * @throws KeyshipConfigError when `maxKeys` is not a positive integer
 */
export function memoryRateLimitStore(
  options: MemoryRateLimitStoreOptions = {},
): MemoryRateLimitStore {
  const maxKeys = options.maxKeys ?? 10_000;
  if (!Number.isSafeInteger(maxKeys) || maxKeys < 1) {
    throw new KeyshipConfigError([
      "the memory rate-limit store's maxKeys must be a positive integer",
    ]);
  }
  // Evicting down to 90% makes each O(n) sweep pay for the next n/10 inserts.
  const lowWater = Math.max(0, Math.floor(maxKeys * 0.9));
  // Map order is insertion order; a key moves to the end whenever its window restarts, so
  // the first entries are the oldest windows.
  const entries = new Map<string, Entry>();

  const makeRoom = (now: number): void => {
    for (const [key, entry] of entries) {
      if (entry.resetAt <= now) entries.delete(key);
    }
    if (entries.size < maxKeys) return;
    for (const key of entries.keys()) {
      if (entries.size <= lowWater) break;
      entries.delete(key);
    }
  };

  return {
    maxKeys,
    get size() {
      return entries.size;
    },
    async hit(key: string, windowMs: number, now: number): Promise<RateLimitHit> {
      const { resetAt } = windowOf(now, windowMs);
      const entry = entries.get(key);
      if (entry !== undefined && entry.resetAt === resetAt) {
        entry.count += 1;
        return { count: entry.count, resetAt };
      }
      if (entry !== undefined) {
        entries.delete(key);
      } else if (entries.size >= maxKeys) {
        makeRoom(now);
      }
      entries.set(key, { count: 1, resetAt });
      return { count: 1, resetAt };
    },
  };
}
