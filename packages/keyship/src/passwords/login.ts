/**
 * Password sign-in: same cost and same answer for unknown emails, rehash on old parameters,
 * then the common end of every sign-in (a new device), recorded as `user.signed_in`; a refusal
 * as `user.sign_in_failed`.
 * @module
 */
import type { AuditSource } from "../audit/model.ts";
import { type ProblemCode, ProblemError } from "../errors.ts";
import { observeSignIn } from "../observability/signin.ts";
import {
  announceEvictions,
  type CompletedSignIn,
  completeSignIn,
  recordSignIn,
  type SignInBinding,
} from "../signin/complete.ts";
import { recordFailure, signInFailed } from "../signin/failures.ts";
import { normalizeEmail } from "../users/model.ts";
import { findUserByEmail } from "../users/store.ts";
import type { PasswordsContext } from "./context.ts";
import { limitAttempt } from "./limits.ts";
import { normalizePassword } from "./policy.ts";
import { updatePasswordHash } from "./store.ts";

/** What a password sign-in returns: the account and what was bound (device and/or session). */
export interface PasswordSignInResult extends CompletedSignIn {
  readonly userId: string;
}

/** A password sign-in's input. */
export interface PasswordLoginInput extends SignInBinding {
  readonly email: string;
  readonly password: string;
  readonly clientIp: string;
}

/**
 * Signs in with email and password and binds the client's device.
 * @param source where the request came from (the user becomes the actor)
 * @throws ProblemError `rate_limited` (per IP, then per email); `auth.invalid_credentials` for a
 *   wrong password, an unknown email, an account without a password or a disabled one (all
 *   after the same argon2 work); `password.email_unverified` when verification is required
 */
export async function loginWithPassword(
  ctx: PasswordsContext,
  source: AuditSource,
  input: PasswordLoginInput,
): Promise<PasswordSignInResult> {
  const email = normalizeEmail(input.email);
  await limitAttempt(ctx, source, { kind: "login", clientIp: input.clientIp, account: email });
  // Recorded before the answer; the email and password are not (the target is the account).
  const refuse = async (code: ProblemCode, userId: string | undefined) => {
    await recordFailure(ctx, source, signInFailed("password", code, userId));
    return new ProblemError(code);
  };
  return observeSignIn("password", async () => {
    const password = normalizePassword(input.password);
    const user = await findUserByEmail(ctx.db, email);
    const stored = user?.password_hash ?? null;
    // OWASP Authentication Cheat Sheet: unknown users cost one argon2 verify too.
    const matches =
      stored === null
        ? await ctx.hasher.verifyAgainstDummy(password)
        : await ctx.hasher.verify(stored, password);
    if (!matches || user === undefined || stored === null || user.disabled_at !== null) {
      throw await refuse("auth.invalid_credentials", user?.id);
    }
    if (ctx.settings.requireEmailVerification && user.email_verified_at === null) {
      throw await refuse("password.email_unverified", user.id);
    }
    // Hash outside the transaction: SQLite has one writer, and argon2 takes tens of ms.
    const upgraded = ctx.hasher.needsRehash(stored) ? await ctx.hasher.hash(password) : undefined;
    const result = await ctx.db.transaction().execute(async (trx) => {
      if (upgraded !== undefined) {
        await updatePasswordHash(trx, {
          userId: user.id,
          hash: upgraded,
          expectedHash: stored,
          nowIso: ctx.now().toISOString(),
        });
      }
      const asUser = { ...source, actorId: user.id };
      const bound = await completeSignIn(trx, ctx, asUser, user.id, input);
      await recordSignIn(trx, ctx, asUser, {
        action: "user.signed_in",
        method: "password",
        userId: user.id,
        bound,
      });
      return { userId: user.id, ...bound };
    });
    return announceEvictions(ctx, result);
  });
}
