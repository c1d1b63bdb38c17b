/**
 * Step-up with the password, for accounts that have no passkey.
 * @module
 */
import type { Principal } from "../auth/principal.ts";
import { markSteppedUp, requirePasskeyProofIfAny } from "../stepup/service.ts";
import type { PasswordsContext } from "./context.ts";
import { proveCurrentPassword } from "./proof.ts";

/**
 * Marks the caller's device or session as stepped up after proving the password. An account
 * that has a passkey is refused before any password is checked: it steps up with the passkey.
 * @returns when the mark ends (ISO 8601)
 * @throws ProblemError `rate_limited`, `auth.invalid_credentials`, `auth.step_up_required`
 *   (an account with a passkey, or a credential that cannot step up)
 */
export async function stepUpWithPassword(
  ctx: PasswordsContext,
  principal: Principal,
  input: { password: string; clientIp: string },
): Promise<{ steppedUpUntil: string }> {
  await requirePasskeyProofIfAny(ctx, principal, false);
  await proveCurrentPassword(ctx, { userId: principal.userId, ...input });
  return { steppedUpUntil: await markSteppedUp(ctx.db, ctx, principal) };
}
