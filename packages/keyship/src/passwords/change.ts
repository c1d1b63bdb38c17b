/**
 * Changing the password of the signed-in user: proves the current one, then signs every other
 * device and session out.
 * @module
 */
import { revokeOtherDevices } from "../devices/service.ts";
import { ProblemError } from "../errors.ts";
import { findUserById } from "../users/store.ts";
import type { PasswordsContext } from "./context.ts";
import { limitAttempt } from "./limits.ts";
import { checkPasswordPolicy, normalizePassword } from "./policy.ts";
import { updatePasswordHash } from "./store.ts";

/** A password change's input: who asks, from which device or session, and the passwords. */
export interface PasswordChangeInput {
  readonly userId: string;
  readonly deviceId?: string | undefined;
  readonly sessionId?: string | undefined;
  readonly currentPassword: string;
  readonly newPassword: string;
  readonly clientIp: string;
}

/**
 * Replaces the password and revokes every device and session of the user but the calling
 * one. Counts against the login limits (it is a password guess too).
 * @returns how many devices were revoked
 * @throws ProblemError `rate_limited`, `password.too_short`, `password.too_long`,
 *   `auth.invalid_credentials` (wrong current password, or the account has none)
 */
export async function changePassword(
  ctx: PasswordsContext,
  input: PasswordChangeInput,
): Promise<number> {
  await limitAttempt(ctx.limiter, "login", input.clientIp, `user:${input.userId}`);
  const next = checkPasswordPolicy(input.newPassword, ctx.policy);
  const current = normalizePassword(input.currentPassword);
  const user = await findUserById(ctx.db, input.userId);
  const stored = user?.password_hash ?? null;
  const matches =
    stored === null
      ? await ctx.hasher.verifyAgainstDummy(current)
      : await ctx.hasher.verify(stored, current);
  if (!matches || stored === null) throw new ProblemError("auth.invalid_credentials");
  const hash = await ctx.hasher.hash(next);
  const revoked = await ctx.db.transaction().execute(async (trx) => {
    const now = ctx.now().toISOString();
    const changed = await updatePasswordHash(trx, {
      userId: input.userId,
      hash,
      expectedHash: stored,
      nowIso: now,
    });
    // Changed meanwhile (another change or a reset): the current password proved is stale.
    if (changed === 0) throw new ProblemError("auth.invalid_credentials");
    const count = await revokeOtherDevices({ ...ctx, db: trx }, input.userId, input.deviceId);
    await ctx.revokeAllSessions?.(trx, input.userId, { exceptSessionId: input.sessionId });
    return count;
  });
  ctx.verifier.invalidateUser(input.userId);
  return revoked;
}
