/**
 * Email-change queries: pending changes and the links that confirm them.
 * @module
 */
import type { DB, EmailChangesTable } from "../db/schema.ts";

/** Stores a pending change (its link's SHA-256 only). */
export async function insertEmailChange(db: DB, row: EmailChangesTable): Promise<void> {
  await db.insertInto("email_changes").values(row).execute();
}

/** Marks every unused pending change of the user used (a new request replaces them). */
export async function spendEmailChangesOfUser(
  db: DB,
  userId: string,
  nowIso: string,
): Promise<void> {
  await db
    .updateTable("email_changes")
    .set({ used_at: nowIso })
    .where("user_id", "=", userId)
    .where("used_at", "is", null)
    .execute();
}

/**
 * Marks the change of this link used and returns it, in one conditional UPDATE: of two
 * concurrent confirmations exactly one gets the row. Unknown, used and expired links give
 * undefined.
 */
export async function consumeEmailChange(
  db: DB,
  tokenHash: string,
  nowIso: string,
): Promise<{ user_id: string; new_email: string } | undefined> {
  return db
    .updateTable("email_changes")
    .set({ used_at: nowIso })
    .where("token_hash", "=", tokenHash)
    .where("used_at", "is", null)
    .where("expires_at", ">", nowIso)
    .returning(["user_id", "new_email"])
    .executeTakeFirst();
}
