/**
 * Failed attempts in the audit log: a refused sign-in, step-up or rate-limited call changed
 * nothing, so its event cannot ride on a transaction (that one rolled back). It is written on
 * its own, with the database, after the failure; an audit write that fails is logged and never
 * replaces the answer the caller was going to get.
 * @module
 */
import type { AuditEventInput, AuditSource } from "../audit/model.ts";
import { recordAudit } from "../audit/service.ts";
import type { KeyshipContext } from "../context.ts";
import { ProblemError } from "../errors.ts";

/** What recording a failure needs from {@link KeyshipContext}. */
export type FailureContext = Pick<KeyshipContext, "db" | "now" | "newId" | "logger">;

/** Maps a refusal to its audit event, or undefined for one that is not recorded. */
export type FailureEvent = (
  error: ProblemError,
) => AuditEventInput | undefined | Promise<AuditEventInput | undefined>;

/**
 * Records a failed attempt (`outcome: "failure"`) outside any transaction. Never throws: a
 * failed audit write is logged at error level.
 * @param ctx the database, clock, id generator and logger
 * @param source who and from where
 * @param event the action, target and data (the outcome is always "failure")
 */
export async function recordFailure(
  ctx: FailureContext,
  source: AuditSource,
  event: AuditEventInput | (() => Promise<AuditEventInput | undefined>),
): Promise<void> {
  try {
    const resolved = typeof event === "function" ? await event() : event;
    if (resolved === undefined) return;
    await recordAudit(ctx.db, ctx, source, { ...resolved, outcome: "failure" });
  } catch (err) {
    ctx.logger.error({ err }, "audit event of a failed attempt not recorded");
  }
}

/**
 * Runs `attempt`; when it throws a {@link ProblemError} that `failure` maps to an event, records
 * that event with {@link recordFailure}, then rethrows the same error.
 * @example
 * return auditFailures(ctx, source, () => signIn(), (e) =>
 *   e.code === "auth.invalid_credentials" ? { action: "user.sign_in_failed" } : undefined);
 */
export async function auditFailures<T>(
  ctx: FailureContext,
  source: AuditSource,
  attempt: () => Promise<T>,
  failure: FailureEvent,
): Promise<T> {
  try {
    return await attempt();
  } catch (error) {
    if (error instanceof ProblemError) await recordFailure(ctx, source, async () => failure(error));
    throw error;
  }
}

/** The scope a rate-limit rule counts in: the last word of its name (`ip`, `account`). */
function scopeOf(rule: string): string {
  return rule.slice(rule.lastIndexOf(".") + 1);
}

/**
 * The `ratelimit.tripped` event of `rule`. The limited key is kept only when it is a user id
 * (as the target); an IP is the event's own `ip`, and an email is never stored.
 * @param rule the rule's name, e.g. `password.login.account`
 * @param userId the user the rule counts for, when its key is one
 */
export function rateLimitTripped(rule: string, userId?: string | undefined): AuditEventInput {
  return {
    action: "ratelimit.tripped",
    outcome: "failure",
    ...(userId === undefined ? {} : { targetType: "user", targetId: userId }),
    data: { rule, scope: scopeOf(rule) },
  };
}

/**
 * The `user.sign_in_failed` event of a refused sign-in: the user as target when the
 * credential or email pointed at one, the problem code as the reason (never the password).
 * @param method how the sign-in was tried
 * @param reason the problem code answered
 * @param userId the account the attempt was for, when one is known
 */
export function signInFailed(
  method: "passkey" | "password",
  reason: string,
  userId?: string | undefined,
): AuditEventInput {
  return {
    action: "user.sign_in_failed",
    outcome: "failure",
    ...(userId === undefined ? {} : { targetType: "user", targetId: userId }),
    data: { method, reason },
  };
}
