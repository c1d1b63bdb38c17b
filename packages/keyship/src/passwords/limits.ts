/**
 * The password routes' rate-limit rules, read from settings (`<hits>/<window>`, e.g. `10/15m`).
 * @module
 */
import type { Settings } from "../config/schema.ts";
import { KeyshipConfigError } from "../errors.ts";
import { assertAllowed, type RateLimiter, type RateLimitRule } from "../ratelimit/limiter.ts";

/** The rules the password routes count against. */
export type PasswordRateRule =
  | "password.login.ip"
  | "password.login.account"
  | "password.register.ip"
  | "password.email.ip"
  | "password.email.account";

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * Parses `<hits>/<window>`: `10/15m` is 10 hits per 15 minutes (units `s`, `m`, `h`, `d`).
 * @param spec the setting's value
 * @example parseRateLimitRule("5/1h") // { limit: 5, windowMs: 3_600_000 }
 * @throws KeyshipConfigError when it does not have that shape
 */
export function parseRateLimitRule(spec: string): RateLimitRule {
  const match = /^([1-9][0-9]*)\/([1-9][0-9]*)([smhd])$/.exec(spec);
  if (match === null) throw new KeyshipConfigError([`rate limit ${spec} must look like 10/15m`]);
  const [, limit, count, unit] = match as unknown as [string, string, string, keyof typeof UNIT_MS];
  return { limit: Number(limit), windowMs: Number(count) * UNIT_MS[unit] };
}

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
