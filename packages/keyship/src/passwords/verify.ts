/**
 * Email verification: a request that never tells whether the account exists, and a
 * single-use, expiring token that marks the address verified.
 * @module
 */
import type { AuditSource } from "../audit/model.ts";
import { recordAudit } from "../audit/service.ts";
import type { DB } from "../db/schema.ts";
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
 * @param source who asks, for the `ratelimit.tripped` event of a refusal
 * @throws ProblemError `rate_limited` (per IP, then per email — known or not)
 */
export async function requestEmailVerification(
  ctx: PasswordsContext,
  source: AuditSource,
  input: { email: string; clientIp: string },
): Promise<void> {
  await emailTokenIfQualified(
    ctx,
    "email_verifications",
    { ...input, source },
    (user) => user.email_verified_at === null && user.disabled_at === null,
  );
}

/**
 * Marks the user's email verified inside the caller's transaction and records `email.verified`
 * there (the user, whom the emailed link proves, as actor and target; `data.via` says which
 * link), unless it already was verified: then nothing changes and nothing is recorded.
 */
export async function verifyEmail(
  trx: DB,
  ctx: Pick<PasswordsContext, "now" | "newId">,
  source: AuditSource,
  change: { userId: string; nowIso: string; via: "email_link" | "password_reset" },
): Promise<void> {
  if (!(await markEmailVerified(trx, change.userId, change.nowIso))) return;
  await recordAudit(trx, ctx, source, {
    action: "email.verified",
    actorId: change.userId,
    targetType: "user",
    targetId: change.userId,
    data: { via: change.via },
  });
}

/**
 * Marks the email of the token's user verified, recorded as `email.verified` (the user, whom
 * the link proves, as actor and target) unless it already was.
 * @param source where the request came from
 * @throws ProblemError `password.token_invalid` (unknown, used or expired, or the account is
 *   disabled)
 */
export async function confirmEmailVerification(
  ctx: PasswordsContext,
  source: AuditSource,
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
    await verifyEmail(trx, ctx, source, { userId: user.id, nowIso: now, via: "email_link" });
  });
}
