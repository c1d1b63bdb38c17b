/**
 * Recovery queries: the codes of a user, and emailed recovery links.
 * @module
 */
import type { DB, EmailTokensTable, RecoveryCodesTable } from "../db/schema.ts";

/** Replaces every code of the user with `rows` (used ones included: a new set starts over). */
export async function replaceRecoveryCodes(
  trx: DB,
  userId: string,
  rows: readonly RecoveryCodesTable[],
): Promise<void> {
  await trx.deleteFrom("recovery_codes").where("user_id", "=", userId).execute();
  await trx
    .insertInto("recovery_codes")
    .values([...rows])
    .execute();
}

/** How many unused codes the user has, and when the set was created (null without one). */
export async function countUnusedRecoveryCodes(
  db: DB,
  userId: string,
): Promise<{ remaining: number; createdAt: string | null }> {
  const row = await db
    .selectFrom("recovery_codes")
    .select((eb) => [
      eb.fn.count<number>("id").filterWhere("used_at", "is", null).as("remaining"),
      eb.fn.min("created_at").as("created_at"),
    ])
    .where("user_id", "=", userId)
    .executeTakeFirstOrThrow();
  return { remaining: Number(row.remaining), createdAt: row.created_at ?? null };
}

/** Finds the user's unused code with this hash; undefined otherwise. */
export async function findUnusedRecoveryCode(
  db: DB,
  userId: string,
  codeHash: string,
): Promise<{ id: string } | undefined> {
  return db
    .selectFrom("recovery_codes")
    .select("id")
    .where("user_id", "=", userId)
    .where("code_hash", "=", codeHash)
    .where("used_at", "is", null)
    .executeTakeFirst();
}

/**
 * Marks one of the user's codes used, only if it still is unused: of two recoveries with one
 * code exactly one spends it. @returns rows changed (0 or 1)
 */
export async function spendRecoveryCode(
  db: DB,
  args: { id: string; userId: string; nowIso: string },
): Promise<number> {
  const result = await db
    .updateTable("recovery_codes")
    .set({ used_at: args.nowIso })
    .where("id", "=", args.id)
    .where("user_id", "=", args.userId)
    .where("used_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Stores a recovery link (its SHA-256 only). */
export async function insertRecoveryLink(db: DB, row: EmailTokensTable): Promise<void> {
  await db.insertInto("recovery_links").values(row).execute();
}

/** Finds an unused, unexpired recovery link by its hash; undefined otherwise. */
export async function findUsableRecoveryLink(
  db: DB,
  tokenHash: string,
  nowIso: string,
): Promise<{ id: string; user_id: string } | undefined> {
  return db
    .selectFrom("recovery_links")
    .select(["id", "user_id"])
    .where("token_hash", "=", tokenHash)
    .where("used_at", "is", null)
    .where("expires_at", ">", nowIso)
    .executeTakeFirst();
}

/**
 * Marks the link used, only if it still is usable. @returns rows changed (0 or 1)
 */
export async function spendRecoveryLink(
  db: DB,
  args: { id: string; userId: string; nowIso: string },
): Promise<number> {
  const result = await db
    .updateTable("recovery_links")
    .set({ used_at: args.nowIso })
    .where("id", "=", args.id)
    .where("user_id", "=", args.userId)
    .where("used_at", "is", null)
    .where("expires_at", ">", args.nowIso)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Marks every unused recovery link of the user used. */
export async function spendRecoveryLinksOfUser(
  db: DB,
  userId: string,
  nowIso: string,
): Promise<void> {
  await db
    .updateTable("recovery_links")
    .set({ used_at: nowIso })
    .where("user_id", "=", userId)
    .where("used_at", "is", null)
    .execute();
}
