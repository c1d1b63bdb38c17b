/**
 * A signed-in user's recovery codes: a new set (shown once, replacing the old one) and how many
 * are left. A new set is recorded as `account.recovery_codes_created` in its transaction.
 * @module
 */
import type { AuditSource } from "../audit/model.ts";
import { recordAudit } from "../audit/service.ts";
import type { KeyshipContext } from "../context.ts";
import { ProblemError } from "../errors.ts";
import { findUserById } from "../users/store.ts";
import {
  hashRecoveryCode,
  newRecoveryCode,
  normalizeRecoveryCode,
  RECOVERY_CODE_COUNT,
} from "./codes.ts";
import { countUnusedRecoveryCodes, replaceRecoveryCodes } from "./store.ts";

/** A new set of codes: the only time they are shown. */
export interface NewRecoveryCodes {
  readonly codes: string[];
  readonly createdAt: string;
}

/** How many unused codes the user has. */
export interface RecoveryCodesStatus {
  readonly remaining: number;
  /** When the current set was created; null when the user has none. */
  readonly createdAt: string | null;
}

/**
 * Creates {@link RECOVERY_CODE_COUNT} codes for the user, replacing every earlier one (used or
 * not), and records `account.recovery_codes_created` (data `{ count }`) in the transaction.
 * @param source who asked (the user, stepped up), and from where
 * @throws ProblemError `recovery.no_email` when the account has no email address (recovery
 *   asks for it), `auth.unauthenticated` when the user no longer exists
 */
export async function createRecoveryCodes(
  ctx: KeyshipContext,
  source: AuditSource,
  userId: string,
): Promise<NewRecoveryCodes> {
  const user = await findUserById(ctx.db, userId);
  if (user === undefined) throw new ProblemError("auth.unauthenticated");
  if (user.email === null) throw new ProblemError("recovery.no_email");
  const createdAt = ctx.now().toISOString();
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  const rows = codes.map((code) => ({
    id: ctx.newId("recoveryCode"),
    user_id: userId,
    code_hash: hashRecoveryCode(userId, normalizeRecoveryCode(code) as string),
    created_at: createdAt,
    used_at: null,
  }));
  await ctx.db.transaction().execute(async (trx) => {
    await replaceRecoveryCodes(trx, userId, rows);
    await recordAudit(trx, ctx, source, {
      action: "account.recovery_codes_created",
      targetType: "user",
      targetId: userId,
      data: { count: codes.length },
    });
  });
  return { codes, createdAt };
}

/** How many of the user's codes are left. */
export async function recoveryCodesStatus(
  ctx: Pick<KeyshipContext, "db">,
  userId: string,
): Promise<RecoveryCodesStatus> {
  return countUnusedRecoveryCodes(ctx.db, userId);
}
