/**
 * The per-key rate limit (`KEYSHIP_RATE_LIMIT_API_KEY`), decided without waiting on the
 * request path.
 *
 * Every admitted request counts one hit in the shared rate limiter (`ratelimit/limiter.ts`,
 * over the instance's store: in memory by default, Redis when configured) without awaiting
 * it; the hit that uses up the window's last allowed request blocks the key, in this process,
 * until the window ends. A blocked key is refused synchronously, so the warm path stays a
 * cache lookup. With the memory store the limit is exact for requests that arrive one after
 * the other; requests that arrive while a hit is still being counted (a Redis round trip,
 * pipelined requests) can pass a few over it. A store that fails lets requests through (it is
 * a throughput limit, not a guess limit: a key is 256 random bits) and is logged.
 * @module
 */
import type { AuditEventInput } from "../audit/model.ts";
import { createLruCache } from "../cache/lru.ts";
import type { KeyshipContext } from "../context.ts";
import { ProblemError } from "../errors.ts";
import { createRateLimiter, parseRateLimitRule } from "../ratelimit/limiter.ts";
import { memoryRateLimitStore } from "../ratelimit/memory.ts";
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
export function createApiKeyLimit(
  ctx: Pick<KeyshipContext, "settings" | "logger">,
  store: RateLimitStore | undefined,
  now: () => number,
): ApiKeyLimit {
  const limiter = createRateLimiter({
    store: store ?? memoryRateLimitStore({ maxKeys: Math.max(10_000, ctx.settings.authCacheSize) }),
    rules: { [API_KEY_RATE_RULE]: parseRateLimitRule(ctx.settings.rateLimitApiKey) },
    now,
  });
  const blocked = createLruCache<string, Block>({
    max: Math.max(1000, ctx.settings.authCacheSize),
    now,
  });
  const warn = (err: unknown) =>
    ctx.logger.warn({ err }, "API-key rate limit not counted; the request passed");

  return {
    admit(keyId, userId) {
      const block = blocked.get(keyId);
      if (block !== undefined) {
        const first = !block.reported;
        block.reported = true;
        throw new ApiKeyRateLimited(
          Math.max(1, Math.ceil((block.resetAt - now()) / 1000)),
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
      limiter.consume(keyId, API_KEY_RATE_RULE).then((decision) => {
        // The window's last allowed hit (or one past it): block until the window ends.
        if (decision.remaining === 0 && blocked.get(keyId) === undefined) {
          blocked.set(keyId, { resetAt: decision.resetAt, reported: false }, decision.resetAt);
        }
      }, warn);
    },
  };
}
