/**
 * The password routes' rate-limit rules, read from settings (`<hits>/<window>`, e.g. `10/15m`).
 * @module
 */
import type { AuditSource } from "../audit/model.ts";
import type { Settings } from "../config/schema.ts";
import {
  assertAllowed,
  parseRateLimitRule,
  type RateLimiter,
  type RateLimitRule,
} from "../ratelimit/limiter.ts";
import { type FailureContext, rateLimitTripped, recordFailure } from "../signin/failures.ts";

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

/** One attempt to count: its kind, the client's IP and, when known, the account. */
export interface PasswordAttempt {
  readonly kind: "login" | "register" | "email";
  readonly clientIp: string;
  /** A normalised email, or `user:<id>` for a signed-in user's password proof. */
  readonly account?: string | undefined;
}

/**
 * Counts one attempt per client IP and, when given, per account; refuses with 429 once either
 * is over its limit. The first refusal of a window is recorded as `ratelimit.tripped` (with the
 * user as target for a `user:<id>` account; an email is never stored).
 * @param ctx the limiter, and the database, clock, ids and logger the audit event needs
 * @param source who and from where, for the audit event
 * @throws ProblemError `rate_limited` with `Retry-After`
 */
export async function limitAttempt(
  ctx: FailureContext & { readonly limiter: RateLimiter<PasswordRateRule> },
  source: AuditSource,
  attempt: PasswordAttempt,
): Promise<void> {
  const { kind, clientIp, account } = attempt;
  const userId = account?.startsWith("user:") ? account.slice(5) : undefined;
  const tripped = (target?: string) => (rule: PasswordRateRule) =>
    recordFailure(ctx, source, rateLimitTripped(rule, target));
  await assertAllowed(ctx.limiter, clientIp, `password.${kind}.ip`, tripped());
  if (account !== undefined && kind !== "register") {
    await assertAllowed(ctx.limiter, account, `password.${kind}.account`, tripped(userId));
  }
}
