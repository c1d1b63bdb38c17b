/**
 * Optional recovery by email (`KEYSHIP_RECOVERY_EMAIL_ENABLED`): a single-use link, mailed to
 * the account's address, that opens the same new-passkey ceremony as a recovery code.
 * @module
 */
import type { AuditSource } from "../audit/model.ts";
import { recoveryLinkEmail } from "../email/account-templates.ts";
import { sendInBackground } from "../email/background.ts";
import { newEmailToken } from "../passwords/tokens.ts";
import { normalizeEmail } from "../users/model.ts";
import { findUserByEmail } from "../users/store.ts";
import type { RecoveryContext } from "./context.ts";
import { limitRecoveryAttempt } from "./limits.ts";
import { insertRecoveryLink } from "./store.ts";

/**
 * Mails a recovery link when the email belongs to an active account; does nothing otherwise.
 * The caller answers 202 either way and the mail goes out in the background, so neither the
 * answer nor its timing tells whether the account exists.
 * @param source where the request came from (anonymous)
 * @param input the email and the client's IP
 * @throws ProblemError `rate_limited` (per IP, then per email — known or not)
 */
export async function requestRecoveryEmail(
  ctx: RecoveryContext,
  source: AuditSource,
  input: { email: string; clientIp: string },
): Promise<void> {
  const email = normalizeEmail(input.email);
  await limitRecoveryAttempt(ctx, source, { clientIp: input.clientIp, account: email });
  const user = await findUserByEmail(ctx.db, email);
  if (user === undefined || user.disabled_at !== null || ctx.mailer === undefined) return;
  const { token, tokenHash } = newEmailToken();
  const now = ctx.now();
  const minutes = ctx.settings.recoveryEmailExpireMinutes;
  await insertRecoveryLink(ctx.db, {
    id: ctx.newId("recoveryLink"),
    user_id: user.id,
    token_hash: tokenHash,
    expires_at: new Date(now.getTime() + minutes * 60_000).toISOString(),
    used_at: null,
    created_at: now.toISOString(),
  });
  sendInBackground(
    { mailer: ctx.mailer, logger: ctx.logger },
    recoveryLinkEmail({
      to: email,
      token,
      appUrl: ctx.settings.appUrl,
      appName: ctx.settings.rpName,
      expiresInMinutes: minutes,
    }),
  );
}
