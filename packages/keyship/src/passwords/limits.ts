/**
 * The password routes' rate-limit rules, read from settings (`<hits>/<window>`, e.g. `10/15m`).
 * @module
 */
import type { Settings } from "../config/schema.ts";
import {
  assertAllowed,
  parseRateLimitRule,
  type RateLimiter,
  type RateLimitRule,
} from "../ratelimit/limiter.ts";

/** The rules the password routes count against. */
export type PasswordRateRule =
  | "password.login.ip"
  | "password.login.account"
  | "password.register.ip"
  | "password.email.ip"
  | "password.email.account";

/** The rules from settings. */
export function rateLimitRules(settings: Settings): Record<PasswordRateRule, RateLimitRule> {
  return {
    "password.login.ip": parseRateLimitRule(settings.rateLimitLoginPerIp),
    "password.login.account": parseRateLimitRule(settings.rateLimitLoginPerAccount),
    "password.register.ip": parseRateLimitRule(settings.rateLimitRegisterPerIp),
    "password.email.ip": parseRateLimitRule(settings.rateLimitEmailPerIp),
    "password.email.account": parseRateLimitRule(settings.rateLimitEmailPerAccount),
  };
}

/**
 * Counts one attempt per client IP and, when given, per account; refuses with 429 once either
 * is over its limit.
 * @throws ProblemError `rate_limited` with `Retry-After`
 */
export async function limitAttempt(
  limiter: RateLimiter<PasswordRateRule>,
  kind: "login" | "register" | "email",
  clientIp: string,
  account?: string,
): Promise<void> {
  await assertAllowed(limiter, clientIp, `password.${kind}.ip`);
  if (account !== undefined && kind !== "register") {
    await assertAllowed(limiter, account, `password.${kind}.account`);
  }
}
