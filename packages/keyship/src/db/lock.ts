/**
 * Row locks for read-then-write transactions. PostgreSQL takes `SELECT … FOR UPDATE`; SQLite
 * needs nothing because keyship's SQLite connection runs one transaction at a time.
 * @module
 */
import type { DialectName, Trx } from "./schema.ts";

/**
 * Locks the user row for the rest of the transaction, serialising concurrent changes to one
 * user's credentials (e.g. two revokes racing for the last passkey).
 * @param trx the open transaction
 * @param dialect which dialect it runs on
 * @param userId the user to lock
 */
export async function lockUser(trx: Trx, dialect: DialectName, userId: string): Promise<void> {
  if (dialect !== "postgres") return;
  await trx.selectFrom("users").select("id").where("id", "=", userId).forUpdate().execute();
}
