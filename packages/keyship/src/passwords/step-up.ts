/**
 * Step-up with the password, for accounts that have no passkey.
 * @module
 */
import type { AuditSource } from "../audit/model.ts";
import type { Principal } from "../auth/principal.ts";
import { auditStepUp, markSteppedUp, requirePasskeyProofIfAny } from "../stepup/service.ts";
import type { PasswordsContext } from "./context.ts";
import { proveCurrentPassword } from "./proof.ts";

/**
 * Marks the caller's device or session as stepped up after proving the password. An account
 * that has a passkey is refused before any password is checked: it steps up with the passkey.
 * Recorded as `stepup.succeeded` (method `password`), a wrong password as `stepup.failed`.
 * @param source the caller, and from where
 * @returns when the mark ends (ISO 8601)
 * @throws ProblemError `rate_limited`, `auth.invalid_credentials`, `auth.step_up_required`
 *   (an account with a passkey, or a credential that cannot step up)
 */
export async function stepUpWithPassword(
  ctx: PasswordsContext,
  source: AuditSource,
  principal: Principal,
  input: { password: string; clientIp: string },
): Promise<{ steppedUpUntil: string }> {
  await requirePasskeyProofIfAny(ctx, principal, false);
  const step = { principal, method: "password" } as const;
  return auditStepUp(ctx, source, step, async () => {
    await proveCurrentPassword(ctx, source, { userId: principal.userId, ...input });
    const steppedUpUntil = await ctx.db
      .transaction()
      .execute((trx) => markSteppedUp(trx, ctx, source, step));
    return { steppedUpUntil };
  });
}
