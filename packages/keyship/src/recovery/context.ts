/**
 * What the recovery and email-change services are built with, created once at startup.
 * @module
 */
import { type KeyshipContext, millisecondsOf } from "../context.ts";
import type { Mailer } from "../email/mailer.ts";
import type { RevokeSessionsHook } from "../passwords/context.ts";
import type { RateLimiter } from "../ratelimit/limiter.ts";
import type { RateLimitStore } from "../ratelimit/store.ts";
import { createRecoveryLimiter, type RecoveryRateRule } from "./limits.ts";

/** The recovery and email-change services' dependencies. */
export interface RecoveryContext extends KeyshipContext {
  /** Sends the links and notices; undefined in production without SMTP (see `routes.ts`). */
  readonly mailer: Mailer | undefined;
  readonly limiter: RateLimiter<RecoveryRateRule>;
  /** Drops every cached principal of a user (after recovery revoked their devices). */
  readonly invalidateUser: (userId: string) => void;
  /** Revokes the user's sessions inside a transaction, with their audit rows. */
  readonly revokeAllSessions: RevokeSessionsHook;
}

/** Builds the recovery context once. */
export function createRecoveryContext(
  ctx: KeyshipContext,
  options: {
    readonly mailer: Mailer | undefined;
    readonly rateLimitStore: RateLimitStore | undefined;
    readonly invalidateUser: (userId: string) => void;
    readonly revokeAllSessions: RevokeSessionsHook;
  },
): RecoveryContext {
  return {
    ...ctx,
    mailer: options.mailer,
    limiter: createRecoveryLimiter(ctx.settings, options.rateLimitStore, millisecondsOf(ctx.now)),
    invalidateUser: options.invalidateUser,
    revokeAllSessions: options.revokeAllSessions,
  };
}
