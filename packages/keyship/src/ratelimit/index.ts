/**
 * The rate limiter and its stores: in memory (one process) or Redis (shared by instances).
 * Pass a store to `keyship({ rateLimitStore })`.
 * @module
 */
export { assertAllowed, createRateLimiter, type RateLimiter } from "./limiter.ts";
export { memoryRateLimitStore } from "./memory.ts";
export { redisRateLimitStore } from "./redis.ts";
export type { RateLimitStore } from "./store.ts";
