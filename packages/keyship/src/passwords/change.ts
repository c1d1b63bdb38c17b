/**
 * Changing the password of the signed-in user: proves the current one, then signs every other
 * device and session out. Recorded as `password.changed`; a wrong current password as
 * `password.changed` with outcome failure.
 * @module
 */

import type { AuditSource } from "../audit/model.ts";
import { recordAudit } from "../audit/service.ts";
import type { Principal } from "../auth/principal.ts";
import { revokeDevicesInside } from "../devices/service.ts";
import { ProblemError } from "../errors.ts";
import { auditFailures } from "../signin/failures.ts";
import { requirePasskeyProofIfAny } from "../stepup/service.ts";
import type { PasswordsContext } from "./context.ts";
import { checkPasswordPolicy } from "./policy.ts";
import { proveCurrentPassword } from "./proof.ts";
import { updatePasswordHash } from "./store.ts";

/** A password change's input: who asks (user, device or session), and the passwords. */
export interface PasswordChangeInput {
  readonly principal: Principal;
  readonly currentPassword: string;
  readonly newPassword: string;
  readonly clientIp: string;
}

/**
 * Replaces the password and revokes every device and session of the user but the calling
 * one. The current password is the step-up of an account without a passkey; an account with
 * one must also have stepped up with it. Counts against the login limits (a password guess).
 * The change, and the devices and sessions it revokes (reason `password_changed`), are recorded
 * in its transaction; a wrong current password is recorded as a failed `password.changed`.
 * @param source who asks, and from where
 * @returns how many devices were revoked
 * @throws ProblemError `auth.step_up_required`, `rate_limited`, `password.too_short`,
 *   `password.too_long`, `auth.invalid_credentials` (wrong current password, or none)
 */
export async function changePassword(
  ctx: PasswordsContext,
  source: AuditSource,
  input: PasswordChangeInput,
): Promise<number> {
  const { userId, deviceId, sessionId } = input.principal;
  const next = checkPasswordPolicy(input.newPassword, ctx.policy);
  await requirePasskeyProofIfAny(ctx, input.principal, true);
  const target = { targetType: "user", targetId: userId } as const;
  const change = async () => {
    const stored = await proveCurrentPassword(ctx, source, {
      userId,
      password: input.currentPassword,
      clientIp: input.clientIp,
    });
    const hash = await ctx.hasher.hash(next);
    return ctx.db.transaction().execute(async (trx) => {
      const now = ctx.now().toISOString();
      const changed = await updatePasswordHash(trx, {
        userId,
        hash,
        expectedHash: stored,
        nowIso: now,
      });
      // Changed meanwhile (another change or a reset): the current password proved is stale.
      if (changed === 0) throw new ProblemError("auth.invalid_credentials");
      await recordAudit(trx, ctx, source, { action: "password.changed", ...target });
      const reason = "password_changed";
      const revoked = await revokeDevicesInside(trx, ctx, source, {
        userId,
        keepDeviceId: deviceId,
        reason,
      });
      await ctx.revokeAllSessions?.(trx, userId, { exceptSessionId: sessionId, source, reason });
      return revoked.length;
    });
  };
  const revoked = await auditFailures(ctx, source, change, (error) =>
    error.code === "auth.invalid_credentials"
      ? { action: "password.changed", ...target, data: { reason: error.code } }
      : undefined,
  );
  ctx.verifier.invalidateUser(userId);
  return revoked;
}
