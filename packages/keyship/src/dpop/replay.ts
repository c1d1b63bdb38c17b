/**
 * The replay cache of DPoP proofs (RFC 9449 §11.1): every `jti` is accepted once within the
 * window. In memory (bounded) for one instance; in Redis, shared, when `redisUrl` is set.
 * @module
 */
import type { RedisConnection } from "../redis/connection.ts";
import { type FirstUseMarks, redisFirstUseMarks } from "../redis/single-use.ts";

/** Seen proof ids; `first()` is true once per name within its lifetime. */
export type ReplayCache = FirstUseMarks;

/** How many proof ids the memory cache keeps: more than one instance sees in a window. */
export const MEMORY_REPLAY_CACHE_SIZE = 100_000;

/**
 * A bounded in-memory replay cache. Full, it forgets the oldest marks first (the ones closest
 * to leaving the window anyway).
 * @param nowMs the clock, in milliseconds
 * @param max how many marks it keeps @default MEMORY_REPLAY_CACHE_SIZE
 */
export function memoryReplayCache(
  nowMs: () => number,
  max: number = MEMORY_REPLAY_CACHE_SIZE,
): ReplayCache {
  // Insertion order is expiry order as long as every mark has the same lifetime.
  const marks = new Map<string, number>();
  return {
    first(name, ttlSeconds) {
      const now = nowMs();
      for (const [key, until] of marks) {
        if (until > now) break;
        marks.delete(key);
      }
      if (marks.has(name)) return Promise.resolve(false);
      for (const key of marks.keys()) {
        if (marks.size < max) break;
        marks.delete(key);
      }
      marks.set(name, now + ttlSeconds * 1000);
      return Promise.resolve(true);
    },
  };
}

/**
 * The replay cache of an instance: Redis when it has one, else memory.
 * @param redis the shared Redis, if configured
 * @param nowMs the clock, in milliseconds
 */
export function createReplayCache(
  redis: RedisConnection | undefined,
  nowMs: () => number,
): ReplayCache {
  return redis === undefined ? memoryReplayCache(nowMs) : redisFirstUseMarks(redis, "dpop:jti");
}
