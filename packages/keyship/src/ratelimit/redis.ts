/**
 * The Redis rate-limit store: one counter per key and window, shared by every instance.
 *
 * Works with the official `redis` client (v4 to v6) and anything else with the same `eval`;
 * keyship never imports the driver.
 * @module
 */
import { KeyshipConfigError } from "../errors.ts";
import { type RateLimitHit, type RateLimitStore, RateLimitStoreError, windowOf } from "./store.ts";

/**
 * The part of a Redis client this store uses — `createClient()` from `redis` fits.
 */
export interface RedisEvalClient {
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

/** Options for {@link redisRateLimitStore}. */
export interface RedisRateLimitStoreOptions {
  /** A connected client, e.g. `await createClient({ url }).connect()`. */
  readonly client: RedisEvalClient;
  /** Prepended to every key; keep one per app sharing a Redis. @default "keyship:rl:" */
  readonly prefix?: string;
  /**
   * Extra lifetime given to each counter past its window's end, so a small clock skew
   * between app and Redis cannot expire a live window early.
   * @default 1000
   */
  readonly expiryGraceMs?: number;
}

// INCR and the expiry run as one script: atomic, so a crash or a concurrent caller can never
// leave a counter without a TTL. Setting the TTL only when the key has none is what
// `PEXPIRE … NX` does on Redis ≥ 7; PTTL keeps it working on Redis 6.
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if redis.call('PTTL', KEYS[1]) < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return count
`;

/**
 * Creates a rate-limit store on Redis. Each window is its own key, `<prefix><key>:<window>`,
 * with a TTL just past the window's end.
 *
 * @param options the client, key prefix and expiry grace
 * @example
 * import { createClient } from "redis";
 * const client = await createClient({ url: process.env.REDIS_URL }).connect();
 * const store = redisRateLimitStore({ client, prefix: "myapp:rl:" });
 * @throws KeyshipConfigError when the prefix is empty or the grace is negative
 * @throws RateLimitStoreError (from `hit`) when Redis fails or answers unexpectedly
 */
export function redisRateLimitStore(options: RedisRateLimitStoreOptions): RateLimitStore {
  const prefix = options.prefix ?? "keyship:rl:";
  const graceMs = options.expiryGraceMs ?? 1000;
  const problems: string[] = [];
  if (typeof options.client?.eval !== "function") {
    problems.push("the Redis rate-limit store needs a connected client with eval()");
  }
  if (prefix === "") problems.push("the Redis rate-limit key prefix must not be empty");
  if (!Number.isSafeInteger(graceMs) || graceMs < 0) {
    problems.push("the Redis rate-limit expiryGraceMs must be a non-negative integer");
  }
  if (problems.length > 0) throw new KeyshipConfigError(problems);
  const { client } = options;

  return {
    async hit(key: string, windowMs: number, now: number): Promise<RateLimitHit> {
      const { index, resetAt } = windowOf(now, windowMs);
      const ttlMs = resetAt - now + graceMs;
      let reply: unknown;
      try {
        reply = await client.eval(HIT_SCRIPT, {
          keys: [`${prefix}${key}:${index}`],
          arguments: [String(ttlMs)],
        });
      } catch (error) {
        // Boundary for the Redis driver: its text stays in `cause`.
        throw new RateLimitStoreError(error);
      }
      if (typeof reply !== "number" || !Number.isSafeInteger(reply) || reply < 1) {
        throw new RateLimitStoreError(new TypeError(`unexpected INCR reply: ${typeof reply}`));
      }
      return { count: reply, resetAt };
    },
  };
}
