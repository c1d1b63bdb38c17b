/**
 * What the password services are built with, created once at startup.
 * @module
 */
import type { AuditSource } from "../audit/model.ts";
import { type KeyshipContext, millisecondsOf } from "../context.ts";
import type { DB } from "../db/schema.ts";
import type { DevicesContext } from "../devices/service.ts";
import type { Mailer } from "../email/mailer.ts";
import { createRateLimiter, type RateLimiter } from "../ratelimit/limiter.ts";
import { memoryRateLimitStore } from "../ratelimit/memory.ts";
import type { RateLimitStore } from "../ratelimit/store.ts";
import { createPasswordHasher, type PasswordHasher } from "./hash.ts";
import { type PasswordRateRule, rateLimitRules } from "./limits.ts";
import { type PasswordPolicy, resolvePasswordPolicy } from "./policy.ts";
import { defaultHashConcurrency } from "./semaphore.ts";
import { lowPriorityArgon2Backend } from "./worker-backend.ts";

/**
 * Revokes server-issued sessions of a user inside the caller's transaction. Sessions are
 * another feature: when it is present, it passes this hook, and password reset and change
 * call it ("revoke every other device and session"), and it records a `session.revoked` row
 * per session (with `reason`) in the same transaction.
 */
export type RevokeSessionsHook = (
  trx: DB,
  userId: string,
  options: {
    readonly exceptSessionId?: string | undefined;
    /** Who changed the password, and from where. */
    readonly source: AuditSource;
    readonly reason: "password_changed" | "password_reset" | "recovery";
  },
) => Promise<void>;

/** The password services' dependencies. */
export interface PasswordsContext extends KeyshipContext {
  readonly hasher: PasswordHasher;
  readonly policy: PasswordPolicy;
  readonly mailer: Mailer;
  readonly limiter: RateLimiter<PasswordRateRule>;
  readonly verifier: DevicesContext["verifier"];
  /** See {@link RevokeSessionsHook}; absent until sessions exist. */
  readonly revokeAllSessions?: RevokeSessionsHook | undefined;
}

/** Options of {@link createPasswordsContext}. */
export interface PasswordsContextOptions {
  readonly mailer: Mailer;
  readonly verifier: DevicesContext["verifier"];
  /** Where rate-limit hits are counted. @default memoryRateLimitStore() */
  readonly rateLimitStore?: RateLimitStore;
  readonly revokeAllSessions?: RevokeSessionsHook;
}

/**
 * Builds the hasher (argon2 parameters and concurrency bound from settings), the policy and
 * the rate limiter, once.
 * @throws KeyshipConfigError on out-of-range argon2 or policy settings
 */
export function createPasswordsContext(
  ctx: KeyshipContext,
  options: PasswordsContextOptions,
): PasswordsContext {
  const { settings } = ctx;
  const concurrency = settings.passwordHashConcurrency ?? defaultHashConcurrency();
  return {
    ...ctx,
    hasher: createPasswordHasher({
      params: {
        memoryCost: settings.argon2MemoryKib,
        timeCost: settings.argon2TimeCost,
        parallelism: settings.argon2Parallelism,
      },
      maxConcurrency: concurrency,
      backend: lowPriorityArgon2Backend(concurrency),
    }),
    policy: resolvePasswordPolicy({ minLength: settings.passwordMinLength }),
    mailer: options.mailer,
    limiter: createRateLimiter({
      store: options.rateLimitStore ?? memoryRateLimitStore(),
      rules: rateLimitRules(settings),
      now: millisecondsOf(ctx.now),
    }),
    verifier: options.verifier,
    revokeAllSessions: options.revokeAllSessions,
  };
}
