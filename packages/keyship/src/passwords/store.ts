/**
 * Password queries: the token tables and the users' password columns.
 * @module
 */
import type { DB, EmailTokensTable } from "../db/schema.ts";

/** The two tables of emailed tokens; they share one shape. */
export type EmailTokenTable = "password_resets" | "email_verifications";

/** Inserts a token row. */
export async function insertEmailToken(
  db: DB,
  table: EmailTokenTable,
  row: EmailTokensTable,
): Promise<void> {
  await db.insertInto(table).values(row).execute();
}

/** Finds an unused, unexpired token by its hash; undefined otherwise. */
export async function findUsableEmailToken(
  db: DB,
  table: EmailTokenTable,
  tokenHash: string,
  nowIso: string,
): Promise<{ id: string; user_id: string } | undefined> {
  return db
    .selectFrom(table)
    .select(["id", "user_id"])
    .where("token_hash", "=", tokenHash)
    .where("used_at", "is", null)
    .where("expires_at", ">", nowIso)
    .executeTakeFirst();
}

/**
 * Marks the token used and returns its user, in one conditional UPDATE: of two concurrent
 * uses exactly one gets the row. Unknown, used and expired tokens all give undefined.
 */
export async function consumeEmailToken(
  db: DB,
  table: EmailTokenTable,
  tokenHash: string,
  nowIso: string,
): Promise<{ user_id: string } | undefined> {
  return db
    .updateTable(table)
    .set({ used_at: nowIso })
    .where("token_hash", "=", tokenHash)
    .where("used_at", "is", null)
    .where("expires_at", ">", nowIso)
    .returning(["user_id"])
    .executeTakeFirst();
}

/** Marks every unused token of the user used (after a reset, older links stop working). */
export async function spendEmailTokensOfUser(
  db: DB,
  table: EmailTokenTable,
  userId: string,
  nowIso: string,
): Promise<void> {
  await db
    .updateTable(table)
    .set({ used_at: nowIso })
    .where("user_id", "=", userId)
    .where("used_at", "is", null)
    .execute();
}

/**
 * Stores a new password hash. With `expectedHash`, only if the stored hash is still that one
 * (a concurrent change wins).
 * @returns rows changed (0 or 1)
 */
export async function updatePasswordHash(
  db: DB,
  args: { userId: string; hash: string; expectedHash?: string; nowIso: string },
): Promise<number> {
  let query = db
    .updateTable("users")
    .set({ password_hash: args.hash, updated_at: args.nowIso })
    .where("id", "=", args.userId);
  if (args.expectedHash !== undefined) query = query.where("password_hash", "=", args.expectedHash);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Records that the user's email address is verified, unless it already was.
 * @returns whether it changed (false when it already was verified)
 */
export async function markEmailVerified(db: DB, userId: string, nowIso: string): Promise<boolean> {
  const result = await db
    .updateTable("users")
    .set({ email_verified_at: nowIso, updated_at: nowIso })
    .where("id", "=", userId)
    .where("email_verified_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
