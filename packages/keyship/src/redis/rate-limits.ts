/**
 * The rate-limit store of an instance with Redis: every built-in limit (ceremonies, passwords,
 * email, API keys, the OAuth token endpoint) counts in Redis, shared by all instances.
 * @module
 */
import { redisRateLimitStore } from "../ratelimit/redis.ts";
import type { RateLimitStore } from "../ratelimit/store.ts";
import type { RedisConnection } from "./connection.ts";

/**
 * A `redisRateLimitStore()` on the instance's connection, under `<redisPrefix>rl:`. While Redis
 * is down a hit fails at once (no queue, no hang) and the request answers 503
 * `service_unavailable` with `Retry-After`; the API-key limit, counted in the background, lets
 * the request through and logs it instead.
 * @param redis the instance's connection
 */
export function sharedRateLimitStore(redis: RedisConnection): RateLimitStore {
  return redisRateLimitStore({
    client: { eval: (script, options) => redis.run((client) => client.eval(script, options)) },
    prefix: redis.key("rl:"),
  });
}
