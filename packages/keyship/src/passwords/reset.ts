/**
 * Password reset by email: a request that never tells whether the account exists, and a
 * single-use, expiring token that sets a new password and signs every device out. Recorded as
 * `password.reset_requested` (a qualified account only) and `password.reset_completed`.
 * @module
 */
import type { AuditSource } from "../audit/model.ts";
import { recordAudit } from "../audit/service.ts";
import { revokeDevicesInside } from "../devices/service.ts";
import { ProblemError } from "../errors.ts";
import { findUserById } from "../users/store.ts";
import type { PasswordsContext } from "./context.ts";
import { emailTokenIfQualified } from "./mail.ts";
import { checkPasswordPolicy } from "./policy.ts";
import {
  consumeEmailToken,
  findUsableEmailToken,
  spendEmailTokensOfUser,
  updatePasswordHash,
} from "./store.ts";
import { hashEmailToken } from "./tokens.ts";
import { verifyEmail } from "./verify.ts";

/**
 * Emails a reset link when the email belongs to an active account with a password; does
 * nothing otherwise. The caller answers 202 either way, and the email goes out in the
 * background, so neither the answer nor its timing depends on the account. A qualified
 * account's token is recorded as `password.reset_requested` (the account as target).
 * @param source where the request came from (anonymous: anyone may ask for any email)
 * @throws ProblemError `rate_limited` (per IP, then per email — known or not)
 */
export async function requestPasswordReset(
  ctx: PasswordsContext,
  source: AuditSource,
  input: { email: string; clientIp: string },
): Promise<void> {
  await emailTokenIfQualified(
    ctx,
    "password_resets",
    { ...input, source, action: "password.reset_requested" },
    // Passkey-only accounts get no reset: email alone must not add a weaker way in.
    (user) => user.password_hash !== null && user.disabled_at === null,
  );
}

/**
 * Sets a new password from a reset token, marks the email verified (the link proved it), spends
 * the user's other reset links and revokes every device and session of the user, in one
 * transaction with their audit rows (`password.reset_completed`, `email.verified`,
 * `device.revoked` and `session.revoked` with reason `password_reset`), the user as actor.
 * @param source where the request came from
 * @throws ProblemError `password.too_short`, `password.too_long`, `password.token_invalid`
 *   (unknown, used, expired, or the account is disabled)
 */
export async function confirmPasswordReset(
  ctx: PasswordsContext,
  source: AuditSource,
  input: { token: string; newPassword: string },
): Promise<void> {
  const password = checkPasswordPolicy(input.newPassword, ctx.policy);
  const tokenHash = hashEmailToken(input.token);
  // Look first, so a bad token does not cost an argon2 hash; consume atomically below.
  const usable = await findUsableEmailToken(
    ctx.db,
    "password_resets",
    tokenHash,
    ctx.now().toISOString(),
  );
  if (usable === undefined) throw new ProblemError("password.token_invalid");
  const hash = await ctx.hasher.hash(password);
  const userId = await ctx.db.transaction().execute(async (trx) => {
    const now = ctx.now().toISOString();
    const token = await consumeEmailToken(trx, "password_resets", tokenHash, now);
    const user = token === undefined ? undefined : await findUserById(trx, token.user_id);
    if (user === undefined || user.disabled_at !== null) {
      throw new ProblemError("password.token_invalid");
    }
    // The link proves the user: they are the actor of everything it does.
    const asUser = { ...source, actorId: user.id };
    await updatePasswordHash(trx, { userId: user.id, hash, nowIso: now });
    await recordAudit(trx, ctx, asUser, {
      action: "password.reset_completed",
      targetType: "user",
      targetId: user.id,
    });
    await verifyEmail(trx, ctx, asUser, { userId: user.id, nowIso: now, via: "password_reset" });
    await spendEmailTokensOfUser(trx, "password_resets", user.id, now);
    const reason = "password_reset";
    await revokeDevicesInside(trx, ctx, asUser, { userId: user.id, reason });
    await ctx.revokeAllSessions?.(trx, user.id, { source: asUser, reason });
    return user.id;
  });
  // Again after commit, so no request in between re-cached a device as still valid.
  ctx.verifier.invalidateUser(userId);
}
