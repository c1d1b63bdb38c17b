/**
 * The storage interface behind the rate limiter: one atomic "count this hit" per call.
 *
 * Windows are fixed and aligned to the epoch (`[k·windowMs, (k+1)·windowMs)`), computed from
 * the caller's clock. Every store therefore agrees on where a window starts and ends, and a
 * test can move the clock instead of sleeping.
 * @module
 */

/** The outcome of one hit: how many hits the window holds now, and when it ends. */
export interface RateLimitHit {
  /** Hits in the current window, this one included (1 for the first). */
  readonly count: number;
  /** When the current window ends, in epoch milliseconds. */
  readonly resetAt: number;
}

/**
 * Counts hits per key and window. One file per variant (`memory.ts`, `redis.ts`), all with
 * this shape. `hit` must be atomic: concurrent hits on one key each see a distinct count.
 */
export interface RateLimitStore {
  /**
   * Records one hit on `key` in the window that contains `now`.
   * @param key the bucket, e.g. `login:203.0.113.7`
   * @param windowMs the window length in milliseconds
   * @param now the current time in epoch milliseconds
   * @throws RateLimitStoreError when the backing service fails
   */
  hit(key: string, windowMs: number, now: number): Promise<RateLimitHit>;
}

/**
 * Where the window that contains `now` starts and ends.
 *
 * @param now epoch milliseconds
 * @param windowMs the window length
 * @example
 * windowOf(61_000, 60_000); // { index: 1, start: 60_000, resetAt: 120_000 }
 */
export function windowOf(
  now: number,
  windowMs: number,
): { index: number; start: number; resetAt: number } {
  const index = Math.floor(now / windowMs);
  const start = index * windowMs;
  return { index, start, resetAt: start + windowMs };
}

/**
 * Thrown when a store's backing service (e.g. Redis) fails. The driver's error is kept as
 * `cause` for the log; the message is generic.
 *
 * @example
 * catch (e) { if (e instanceof RateLimitStoreError) logger.error({ err: e.cause }, e.message); }
 */
export class RateLimitStoreError extends Error {
  /** A stable code to switch on. */
  readonly code = "ERR_RATE_LIMIT_STORE";

  constructor(cause: unknown) {
    super("The rate-limit store failed.", { cause });
    this.name = "RateLimitStoreError";
  }
}
