/**
 * Email verification: a request that never tells whether the account exists, and a
 * single-use, expiring token that marks the address verified.
 * @module
 */
import { ProblemError } from "../errors.ts";
import { findUserById } from "../users/store.ts";
import type { PasswordsContext } from "./context.ts";
import { emailTokenIfQualified } from "./mail.ts";
import { consumeEmailToken, markEmailVerified } from "./store.ts";
import { hashEmailToken } from "./tokens.ts";

/**
 * Emails a verification link when the email belongs to an active, unverified account; does
 * nothing otherwise (the caller answers 202 either way). Open to anonymous callers, so an
 * account that cannot sign in before verifying can still get a new link.
 * @throws ProblemError `rate_limited` (per IP, then per email — known or not)
 */
export async function requestEmailVerification(
  ctx: PasswordsContext,
  input: { email: string; clientIp: string },
): Promise<void> {
  await emailTokenIfQualified(
    ctx,
    "email_verifications",
    input,
    (user) => user.email_verified_at === null && user.disabled_at === null,
  );
}

/**
 * Marks the email of the token's user verified.
 * @throws ProblemError `password.token_invalid` (unknown, used or expired, or the account is
 *   disabled)
 */
export async function confirmEmailVerification(
  ctx: PasswordsContext,
  input: { token: string },
): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const now = ctx.now().toISOString();
    const token = await consumeEmailToken(
      trx,
      "email_verifications",
      hashEmailToken(input.token),
      now,
    );
    const user = token === undefined ? undefined : await findUserById(trx, token.user_id);
    if (user === undefined || user.disabled_at !== null) {
      throw new ProblemError("password.token_invalid");
    }
    await markEmailVerified(trx, user.id, now);
  });
}
