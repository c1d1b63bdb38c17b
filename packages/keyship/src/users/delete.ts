/**
 * Deleting an account (`DELETE /auth/me`, and admins' `DELETE /admin/api/users/{id}`): the
 * user and every credential in one transaction, with one `user.deleted` row that holds no
 * personal data, and the user's personal data stripped from their earlier audit rows.
 * @module
 */
import { eraseUserFromAudit } from "../audit/erasure.ts";
import type { AuditSource } from "../audit/model.ts";
import { recordAudit } from "../audit/service.ts";
import type { KeyshipContext } from "../context.ts";
import { ProblemError } from "../errors.ts";
import { keepAnAdmin } from "./service.ts";
import { deleteSessionsStartedBy, deleteUserRow, findUserById, listOwnedIds } from "./store.ts";

/** What a deletion needs: the database, clock, ids, the revocation list and the caches. */
export type DeleteContext = Pick<
  KeyshipContext,
  "db" | "dialect" | "now" | "newId" | "sessions"
> & {
  /** Forgets every cached principal of a user (devices, sessions, API keys). */
  readonly invalidateUser: (userId: string) => void;
};

/** Who asked for a deletion: the user themselves, or an admin. */
export type DeletedBy = "self" | "admin";

/** What a deletion removed, by kind (the counts `user.deleted` records). */
export interface DeletedAccount {
  readonly passkeys: number;
  readonly devices: number;
  readonly sessions: number;
  /** API keys (named so: audit data drops keys that look like `apiKey`). */
  readonly keys: number;
}

/**
 * Deletes a user and everything of theirs in one transaction: the row goes, and every table
 * that references it (passkeys, devices, sessions, challenges, emailed tokens, step-ups, API
 * keys, and those of later features) follows by `ON DELETE CASCADE`; impersonation sessions
 * the user started as an admin are deleted too. Their earlier audit rows keep the history
 * without personal data (`eraseUserFromAudit()`), and `user.deleted` is recorded with the
 * counts. After commit their sessions are on the revocation list and the caches forget them,
 * so a device token or access token of theirs is refused on the next request.
 * @param ctx the instance's database, clock, revocation list and caches
 * @param source who asked (for `by: "self"` the row keeps no IP address or user agent)
 * @param userId the user to delete
 * @param by `self` or `admin`
 * @throws ProblemError `resource.not_found`; `user.last_admin` (409) for the last active admin
 */
export async function deleteAccount(
  ctx: DeleteContext,
  source: AuditSource,
  userId: string,
  by: DeletedBy,
): Promise<DeletedAccount> {
  const done = await ctx.db.transaction().execute(async (trx) => {
    const row = await findUserById(trx, userId);
    if (row === undefined)
      throw new ProblemError("resource.not_found", { detail: "No such user." });
    await keepAnAdmin(ctx, trx, row);
    const owned = await listOwnedIds(trx, userId);
    const impersonations = await deleteSessionsStartedBy(trx, userId);
    await eraseUserFromAudit(trx, userId, [
      ...owned.passkeys,
      ...owned.devices,
      ...owned.sessions,
      ...owned.apiKeys,
    ]);
    await deleteUserRow(trx, userId);
    const counts: DeletedAccount = {
      passkeys: owned.passkeys.length,
      devices: owned.devices.length,
      sessions: owned.sessions.length,
      keys: owned.apiKeys.length,
    };
    // The user's own request leaves no IP address or user agent behind; an admin's keeps theirs.
    const recorded = by === "self" ? { ...source, ip: null, userAgent: null } : source;
    await recordAudit(trx, ctx, recorded, {
      action: "user.deleted",
      targetType: "user",
      targetId: userId,
      data: { by, ...counts },
    });
    return { counts, sessions: [...owned.sessions, ...impersonations] };
  });
  ctx.sessions.revocations.revoke(done.sessions);
  ctx.invalidateUser(userId);
  return done.counts;
}
