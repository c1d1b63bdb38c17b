/**
 * Abuse limits of the public ceremony routes (`/passkey/*`, `/step-up/*`, the password
 * routes): every call counts per client IP, and per account when the caller is signed in;
 * every `…/start` also counts against the open-challenge bound. A challenge lives one
 * `webauthnTtlSeconds`, and any span that long overlaps at most two fixed windows of that
 * length, so allowing half of `maxOpenChallengesPerIp` starts per window keeps one IP at
 * `maxOpenChallengesPerIp` open challenges at most. Over a limit: 429 `rate_limited` with
 * `Retry-After`, before anything is written but the `ratelimit.tripped` audit event of the
 * first refusal of each window.
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import type { Settings } from "../config/schema.ts";
import {
  assertAllowed,
  createRateLimiter,
  parseRateLimitRule,
  type RateLimiter,
} from "../ratelimit/limiter.ts";
import { memoryRateLimitStore } from "../ratelimit/memory.ts";
import type { RateLimitStore } from "../ratelimit/store.ts";
import { rateLimitTripped } from "../signin/failures.ts";
import { clientIp } from "./client-ip.ts";
import type { KeyshipEnv } from "./variables.ts";

/** The rules ceremonies count against. */
export type CeremonyRule = "ceremony.ip" | "ceremony.account" | "ceremony.start.ip";

/**
 * The ceremonies' limiter, from settings.
 * @param store where hits are counted (shared with the password limits) @default memory
 * @param now the clock, in epoch milliseconds
 */
export function createCeremonyLimiter(
  settings: Settings,
  store: RateLimitStore | undefined,
  now: () => number,
): RateLimiter<CeremonyRule> {
  return createRateLimiter({
    store: store ?? memoryRateLimitStore(),
    rules: {
      "ceremony.ip": parseRateLimitRule(settings.rateLimitCeremonyPerIp),
      "ceremony.account": parseRateLimitRule(settings.rateLimitCeremonyPerAccount),
      "ceremony.start.ip": {
        limit: Math.max(1, Math.floor(settings.maxOpenChallengesPerIp / 2)),
        windowMs: settings.webauthnTtlSeconds * 1000,
      },
    },
    now,
  });
}

/**
 * Records the `ratelimit.tripped` event of `rule` with the request's source; a failed write is
 * logged, never answered.
 */
function recordTrip(c: Context<KeyshipEnv>, userId: string | undefined) {
  return async (rule: CeremonyRule): Promise<void> => {
    const event = rateLimitTripped(rule, rule === "ceremony.account" ? userId : undefined);
    await c.var.audit.record(c, event).catch((err: unknown) => {
      c.var.logger.error({ err }, "audit event of a rate limit not recorded");
    });
  };
}

/**
 * The middleware that counts one ceremony call.
 * @param limiter from {@link createCeremonyLimiter}
 * @param trustProxy whether the client IP comes from `X-Forwarded-For`
 * @throws ProblemError `rate_limited` (429, `Retry-After`)
 */
export function limitCeremonies(
  limiter: RateLimiter<CeremonyRule>,
  trustProxy: boolean,
): MiddlewareHandler<KeyshipEnv> {
  return async function keyshipCeremonyLimits(c, next) {
    const ip = clientIp(c, trustProxy);
    const userId = c.get("principal")?.userId;
    const tripped = recordTrip(c, userId);
    await assertAllowed(limiter, ip, "ceremony.ip", tripped);
    if (c.req.path.endsWith("/start")) {
      await assertAllowed(limiter, ip, "ceremony.start.ip", tripped);
    }
    if (userId !== undefined) await assertAllowed(limiter, userId, "ceremony.account", tripped);
    await next();
  };
}
