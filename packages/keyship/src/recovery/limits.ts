/**
 * The rate limits of recovery and email change: recovery attempts per client IP and per
 * account (the email given, whether or not an account has it), email changes per user.
 * @module
 */
import type { AuditSource } from "../audit/model.ts";
import type { Settings } from "../config/schema.ts";
import {
  assertAllowed,
  createRateLimiter,
  parseRateLimitRule,
  type RateLimiter,
} from "../ratelimit/limiter.ts";
import { memoryRateLimitStore } from "../ratelimit/memory.ts";
import type { RateLimitStore } from "../ratelimit/store.ts";
import { type FailureContext, rateLimitTripped, recordFailure } from "../signin/failures.ts";

/** The rules recovery and email change count against. */
export type RecoveryRateRule = "recovery.ip" | "recovery.account" | "email_change.account";

/**
 * The limiter, from settings.
 * @param store where hits are counted (shared with the other limits) @default memory
 * @param now the clock, in epoch milliseconds
 */
export function createRecoveryLimiter(
  settings: Settings,
  store: RateLimitStore | undefined,
  now: () => number,
): RateLimiter<RecoveryRateRule> {
  const perAccount = parseRateLimitRule(settings.rateLimitRecoveryPerAccount);
  return createRateLimiter({
    store: store ?? memoryRateLimitStore(),
    rules: {
      "recovery.ip": parseRateLimitRule(settings.rateLimitRecoveryPerIp),
      "recovery.account": perAccount,
      "email_change.account": perAccount,
    },
    now,
  });
}

/**
 * Counts one recovery attempt per client IP, then, when given, per account key (a normalised
 * email, known or not, so an unknown address is limited exactly like a known one); 429 once
 * either is over.
 * The first refusal of a window is recorded as `ratelimit.tripped` (an email is never stored).
 * @throws ProblemError `rate_limited` with `Retry-After`
 */
export async function limitRecoveryAttempt(
  ctx: FailureContext & { readonly limiter: RateLimiter<RecoveryRateRule> },
  source: AuditSource,
  attempt: { readonly clientIp: string; readonly account?: string | undefined },
): Promise<void> {
  const tripped = (rule: RecoveryRateRule) => recordFailure(ctx, source, rateLimitTripped(rule));
  await assertAllowed(ctx.limiter, attempt.clientIp, "recovery.ip", tripped);
  if (attempt.account === undefined) return;
  await assertAllowed(ctx.limiter, attempt.account, "recovery.account", tripped);
}
