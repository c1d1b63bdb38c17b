/**
 * The per-key rate limit (`KEYSHIP_RATE_LIMIT_API_KEY`), decided without waiting on the
 * request path.
 *
 * Without a shared store every admitted request counts one hit in a window of this process,
 * synchronously (exact, and no promise per request). With a shared store (Redis, the
 * `rateLimitStore` option) it counts in the shared rate limiter (`ratelimit/limiter.ts`)
 * without awaiting it; requests that arrive while a hit is still being counted (a Redis round
 * trip) can pass a few over the limit, and a store that fails lets requests through (it is a
 * throughput limit, not a guess limit: a key is 256 random bits) and is logged. Either way the
 * hit that uses up the window's last allowed request blocks the key, in this process, until
 * the window ends, and a blocked key is refused synchronously, so the warm path stays a cache
 * lookup.
 * @module
 */
import type { AuditEventInput } from "../audit/model.ts";
import { createLruCache } from "../cache/lru.ts";
import type { KeyshipContext } from "../context.ts";
import { ProblemError } from "../errors.ts";
import { createRateLimiter, parseRateLimitRule } from "../ratelimit/limiter.ts";
import type { RateLimitStore } from "../ratelimit/store.ts";

/** The rule's name in the limiter and in `ratelimit.tripped` events. */
export const API_KEY_RATE_RULE = "apikey.key";

/**
 * The refusal of a key over its limit: 429 `rate_limited` with `Retry-After`. The first
 * refusal of a window carries the `ratelimit.tripped` event to record.
 */
export class ApiKeyRateLimited extends ProblemError {
  /** The audit event of the window's first refusal; undefined for the later ones. */
  readonly tripped: AuditEventInput | undefined;

  constructor(retryAfterSeconds: number, tripped: AuditEventInput | undefined) {
    super("rate_limited", { headers: { "Retry-After": String(retryAfterSeconds) } });
    this.name = "ApiKeyRateLimited";
    this.tripped = tripped;
  }
}

/** Admits or refuses one request of a key. */
export interface ApiKeyLimit {
  /**
   * Counts one request of key `keyId` (owned by `userId`).
   * @throws ApiKeyRateLimited while the key is blocked
   */
  admit(keyId: string, userId: string): void;
}

interface Block {
  readonly resetAt: number;
  reported: boolean;
}

/**
 * The per-key limit of an instance.
 * @param ctx `rateLimitApiKey` and `authCacheSize` (how many blocked keys are remembered), the
 *   logger
 * @param store the instance's rate-limit store @default a memory store of its own
 * @param now the clock, in epoch milliseconds
 */
/**
 * Counts a key's hits in this process, synchronously: the instance's own window per key (no
 * promise per request), when no shared store is configured.
 * @returns whether the hit used up the window, and when the window ends
 */
function localCounter(rule: { limit: number; windowMs: number }, max: number, now: () => number) {
  const windows = createLruCache<string, { count: number; readonly resetAt: number }>({ max, now });
  return (keyId: string): { exhausted: boolean; resetAt: number } => {
    const at = now();
    let window = windows.get(keyId);
    if (window === undefined) {
      window = { count: 0, resetAt: at + rule.windowMs };
      windows.set(keyId, window, window.resetAt);
    }
    window.count += 1;
    return { exhausted: window.count >= rule.limit, resetAt: window.resetAt };
  };
}

export function createApiKeyLimit(
  ctx: Pick<KeyshipContext, "settings" | "logger">,
  store: RateLimitStore | undefined,
  now: () => number,
): ApiKeyLimit {
  const rule = parseRateLimitRule(ctx.settings.rateLimitApiKey);
  const max = Math.max(1000, ctx.settings.authCacheSize);
  const blocked = createLruCache<string, Block>({ max, now });
  const block = (keyId: string, resetAt: number) => {
    if (blocked.get(keyId) === undefined) blocked.set(keyId, { resetAt, reported: false }, resetAt);
  };
  const count = store === undefined ? countLocally() : countShared(store);

  /** One instance: an exact window of this process, no promise per request. */
  function countLocally(): (keyId: string) => void {
    const hit = localCounter(rule, Math.max(10_000, ctx.settings.authCacheSize), now);
    return (keyId) => {
      const counted = hit(keyId);
      if (counted.exhausted) block(keyId, counted.resetAt);
    };
  }

  /** Several instances (Redis): counted in the shared store, without waiting on it. */
  function countShared(shared: RateLimitStore): (keyId: string) => void {
    const limiter = createRateLimiter({
      store: shared,
      rules: { [API_KEY_RATE_RULE]: rule },
      now,
    });
    const warn = (err: unknown) =>
      ctx.logger.warn({ err }, "API-key rate limit not counted; the request passed");
    return (keyId) => {
      limiter.consume(keyId, API_KEY_RATE_RULE).then((decision) => {
        // The window's last allowed hit (or one past it): block until the window ends.
        if (decision.remaining === 0) block(keyId, decision.resetAt);
      }, warn);
    };
  }

  return {
    admit(keyId, userId) {
      const held = blocked.get(keyId);
      if (held !== undefined) {
        const first = !held.reported;
        held.reported = true;
        throw new ApiKeyRateLimited(
          Math.max(1, Math.ceil((held.resetAt - now()) / 1000)),
          first
            ? {
                action: "ratelimit.tripped",
                outcome: "failure",
                actorId: userId,
                targetType: "apikey",
                targetId: keyId,
                data: { rule: API_KEY_RATE_RULE, scope: "key" },
              }
            : undefined,
        );
      }
      count(keyId);
    },
  };
}
