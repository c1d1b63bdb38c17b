/**
 * Issuing an emailed token and sending its email.
 * @module
 */
import type { AuditSource } from "../audit/model.ts";
import { recordAudit } from "../audit/service.ts";
import type { DB, UsersTable } from "../db/schema.ts";
import { sendInBackground } from "../email/background.ts";
import type { MailMessage } from "../email/mailer.ts";
import { emailVerificationEmail, passwordResetEmail } from "../email/templates.ts";
import { normalizeEmail } from "../users/model.ts";
import { findUserByEmail } from "../users/store.ts";
import type { PasswordsContext } from "./context.ts";
import { limitAttempt } from "./limits.ts";
import { type EmailTokenTable, insertEmailToken } from "./store.ts";
import { newEmailToken } from "./tokens.ts";

/**
 * Stores a new single-use token for the user (only its SHA-256) inside the caller's
 * transaction and returns the token for the email.
 */
export async function issueEmailToken(
  trx: DB,
  ctx: Pick<PasswordsContext, "now" | "newId" | "settings">,
  table: EmailTokenTable,
  userId: string,
): Promise<string> {
  const { token, tokenHash } = newEmailToken();
  const now = ctx.now();
  await insertEmailToken(trx, table, {
    id: ctx.newId(table === "password_resets" ? "reset" : "verification"),
    user_id: userId,
    token_hash: tokenHash,
    expires_at: new Date(
      now.getTime() + ctx.settings.passwordResetExpireMinutes * 60_000,
    ).toISOString(),
    used_at: null,
    created_at: now.toISOString(),
  });
  return token;
}

/** The email carrying `token`, for `table`'s flow. */
export function tokenEmail(
  ctx: Pick<PasswordsContext, "settings">,
  table: EmailTokenTable,
  to: string,
  token: string,
): MailMessage {
  const input = {
    to,
    token,
    appUrl: ctx.settings.appUrl,
    appName: ctx.settings.rpName,
    expiresInMinutes: ctx.settings.passwordResetExpireMinutes,
  };
  return table === "password_resets" ? passwordResetEmail(input) : emailVerificationEmail(input);
}

/**
 * The request step both emailed-token flows share: rate-limits per IP, then per email (known
 * or not); then, only when the address belongs to an account that `qualifies`, issues a
 * token and emails it in the background. Resolves the same way either way, so neither the
 * caller's answer nor its timing tells whether the account exists.
 * @param request the email and client IP, who asks (`source`), and the audit `action` recorded
 *   with the token (in its transaction, the account as target), if any: only a qualified
 *   account gets a row
 * @throws ProblemError `rate_limited` (per IP, then per email)
 */
export async function emailTokenIfQualified(
  ctx: PasswordsContext,
  table: EmailTokenTable,
  request: {
    readonly email: string;
    readonly clientIp: string;
    readonly source: AuditSource;
    readonly action?: "password.reset_requested" | undefined;
  },
  qualifies: (user: UsersTable) => boolean,
): Promise<void> {
  const { source, action } = request;
  const email = normalizeEmail(request.email);
  await limitAttempt(ctx, source, { kind: "email", clientIp: request.clientIp, account: email });
  const user = await findUserByEmail(ctx.db, email);
  if (user === undefined || !qualifies(user)) return;
  const token = await ctx.db.transaction().execute(async (trx) => {
    const issued = await issueEmailToken(trx, ctx, table, user.id);
    if (action !== undefined) {
      await recordAudit(trx, ctx, source, { action, targetType: "user", targetId: user.id });
    }
    return issued;
  });
  sendInBackground(ctx, tokenEmail(ctx, table, email, token));
}
