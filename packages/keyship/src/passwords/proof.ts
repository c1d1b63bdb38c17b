/**
 * Proving the signed-in user's current password: for a password change and for a step-up of
 * an account without a passkey. Rate-limited like sign-in (it is a password guess too).
 * @module
 */
import type { AuditSource } from "../audit/model.ts";
import { ProblemError } from "../errors.ts";
import { findUserById } from "../users/store.ts";
import type { PasswordsContext } from "./context.ts";
import { limitAttempt } from "./limits.ts";
import { normalizePassword } from "./policy.ts";

/**
 * Checks `password` against the user's stored hash, with a dummy verify when there is none.
 * @param source who asks, for the `ratelimit.tripped` event of a refusal
 * @returns the stored hash it matched
 * @throws ProblemError `rate_limited`, `auth.invalid_credentials` (wrong password, or the
 *   account has none)
 */
export async function proveCurrentPassword(
  ctx: PasswordsContext,
  source: AuditSource,
  input: { userId: string; password: string; clientIp: string },
): Promise<string> {
  await limitAttempt(ctx, source, {
    kind: "login",
    clientIp: input.clientIp,
    account: `user:${input.userId}`,
  });
  const given = normalizePassword(input.password);
  const user = await findUserById(ctx.db, input.userId);
  const stored = user?.password_hash ?? null;
  const matches =
    stored === null
      ? await ctx.hasher.verifyAgainstDummy(given)
      : await ctx.hasher.verify(stored, given);
  if (!matches || stored === null) throw new ProblemError("auth.invalid_credentials");
  return stored;
}
