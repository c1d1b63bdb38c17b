/**
 * Email change: a signed-in, stepped-up user asks for a new address; a single-use link mailed
 * to it confirms the change, which marks the address verified, keeps every session and notifies
 * the old address. A taken address gets the same answer as a free one (no enumeration) and a
 * neutral notice instead of a link. Recorded as `user.email_changed`.
 * @module
 */
import type { AuditSource } from "../audit/model.ts";
import { recordAudit } from "../audit/service.ts";
import { isUniqueViolation } from "../db/errors.ts";
import {
  emailChangedNotice,
  emailChangeEmail,
  emailInUseNotice,
} from "../email/account-templates.ts";
import { sendInBackground } from "../email/background.ts";
import type { Mailer } from "../email/mailer.ts";
import { ProblemError } from "../errors.ts";
import { spendEmailTokensOfUser } from "../passwords/store.ts";
import { hashEmailToken, newEmailToken } from "../passwords/tokens.ts";
import { assertAllowed } from "../ratelimit/limiter.ts";
import type { RecoveryContext } from "../recovery/context.ts";
import { spendRecoveryLinksOfUser } from "../recovery/store.ts";
import { rateLimitTripped, recordFailure } from "../signin/failures.ts";
import { normalizeEmail } from "../users/model.ts";
import { findUserByEmail, findUserById, updateUserEmail } from "../users/store.ts";
import { consumeEmailChange, insertEmailChange, spendEmailChangesOfUser } from "./store.ts";

/** The context email change needs: the recovery context, with a mailer. */
export type EmailChangeContext = RecoveryContext & { readonly mailer: Mailer };

/**
 * Asks to change the user's email to `newEmail`. A free address gets a single-use link (valid
 * `emailChangeExpireMinutes`; earlier pending changes are spent); a taken one gets a neutral
 * notice; the user's own address gets nothing. Every case resolves the same way, and mail goes
 * out in the background, so the answer and its timing never tell whether an address is taken.
 * @param source who asked (the user, stepped up), and from where
 * @throws ProblemError `rate_limited` (per user), `auth.unauthenticated` when the user is gone
 */
export async function requestEmailChange(
  ctx: EmailChangeContext,
  source: AuditSource,
  input: { userId: string; newEmail: string },
): Promise<void> {
  const { userId } = input;
  await assertAllowed(ctx.limiter, userId, "email_change.account", (rule) =>
    recordFailure(ctx, source, rateLimitTripped(rule, userId)),
  );
  const email = normalizeEmail(input.newEmail);
  const user = await findUserById(ctx.db, userId);
  if (user === undefined) throw new ProblemError("auth.unauthenticated");
  const owner = await findUserByEmail(ctx.db, email);
  const appName = ctx.settings.rpName;
  if (owner !== undefined) {
    if (owner.id !== userId) sendInBackground(ctx, emailInUseNotice({ to: email, appName }));
    return;
  }
  const { token, tokenHash } = newEmailToken();
  const now = ctx.now();
  const minutes = ctx.settings.emailChangeExpireMinutes;
  await ctx.db.transaction().execute(async (trx) => {
    await spendEmailChangesOfUser(trx, userId, now.toISOString());
    await insertEmailChange(trx, {
      id: ctx.newId("emailChange"),
      user_id: userId,
      new_email: email,
      token_hash: tokenHash,
      expires_at: new Date(now.getTime() + minutes * 60_000).toISOString(),
      used_at: null,
      created_at: now.toISOString(),
    });
  });
  const appUrl = ctx.settings.appUrl;
  sendInBackground(
    ctx,
    emailChangeEmail({ to: email, token, appUrl, appName, expiresInMinutes: minutes }),
  );
}

/**
 * Confirms a change from its link: sets the new address, verified (the link proved the
 * mailbox), spends the links mailed to the old address (password reset, email verification,
 * recovery) and records `user.email_changed` (the user as actor and target; no address in
 * the row) in one transaction. Sessions and devices stay signed in. After commit the old
 * address, if any, gets a notice.
 * @param source where the request came from (the link proves the user)
 * @throws ProblemError `email_change.token_invalid` (unknown, used or expired link, a disabled
 *   account, or an address taken since the request)
 */
export async function confirmEmailChange(
  ctx: EmailChangeContext,
  source: AuditSource,
  token: string,
): Promise<{ email: string }> {
  const tokenHash = hashEmailToken(token);
  const { oldEmail, email } = await ctx.db.transaction().execute(async (trx) => {
    const nowIso = ctx.now().toISOString();
    const change = await consumeEmailChange(trx, tokenHash, nowIso);
    const user = change === undefined ? undefined : await findUserById(trx, change.user_id);
    if (change === undefined || user === undefined || user.disabled_at !== null) {
      throw new ProblemError("email_change.token_invalid");
    }
    const args = { userId: user.id, email: change.new_email, verifiedAtIso: nowIso, nowIso };
    try {
      await updateUserEmail(trx, args);
    } catch (error) {
      if (isUniqueViolation(error)) throw new ProblemError("email_change.token_invalid");
      throw error;
    }
    for (const table of ["password_resets", "email_verifications"] as const) {
      await spendEmailTokensOfUser(trx, table, user.id, nowIso);
    }
    await spendRecoveryLinksOfUser(trx, user.id, nowIso);
    await recordAudit(
      trx,
      ctx,
      { ...source, actorId: user.id },
      {
        action: "user.email_changed",
        targetType: "user",
        targetId: user.id,
        data: { verified: true, hadEmail: user.email !== null },
      },
    );
    return { oldEmail: user.email, email: change.new_email };
  });
  if (oldEmail !== null && oldEmail !== email) {
    sendInBackground(ctx, emailChangedNotice({ to: oldEmail, appName: ctx.settings.rpName }));
  }
  return { email };
}
