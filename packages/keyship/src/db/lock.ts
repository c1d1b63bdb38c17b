/**
 * Row locks for read-then-write transactions. PostgreSQL takes `SELECT … FOR UPDATE`; SQLite
 * needs nothing because keyship's SQLite connection runs one transaction at a time.
 * @module
 */
import { sql } from "kysely";
import type { DB, DialectName, Trx } from "./schema.ts";

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

/**
 * Serialises "is this the first account?" decisions until the transaction ends, so two
 * concurrent first sign-ups cannot both see an empty users table. PostgreSQL takes a
 * transaction-scoped advisory lock; SQLite needs nothing (one writer at a time).
 * @param trx the sign-up's transaction
 * @param dialect which dialect it runs on
 */
export async function lockFirstUserDecision(trx: DB, dialect: DialectName): Promise<void> {
  if (dialect !== "postgres") return;
  await sql`select pg_advisory_xact_lock(hashtext('keyship.first_user'))`.execute(trx);
}
