/**
 * The change feed's queries: the `keyship_changes` table (SQLite) and `pg_notify`
 * (PostgreSQL).
 * @module
 */
import { sql } from "kysely";
import type { DB, KeyshipChangesTable } from "../db/schema.ts";

/** A stored change, as the poller reads it. */
export type StoredChange = Pick<
  KeyshipChangesTable,
  "origin" | "kind" | "subject_id" | "user_id"
> & { readonly seq: number };

/** Appends a change; returns its `seq`. */
export async function insertChange(db: DB, row: Omit<KeyshipChangesTable, "seq">): Promise<number> {
  const { seq } = await db
    .insertInto("keyship_changes")
    .values(row)
    .returning("seq")
    .executeTakeFirstOrThrow();
  return seq;
}

/** Deletes the changes written before `beforeIso`. */
export async function pruneChanges(db: DB, beforeIso: string): Promise<void> {
  await db.deleteFrom("keyship_changes").where("at", "<", beforeIso).execute();
}

/** The highest `seq` written so far (0 when none). */
export async function latestChangeSeq(db: DB): Promise<number> {
  const row = await db
    .selectFrom("keyship_changes")
    .select((eb) => eb.fn.max("seq").as("seq"))
    .executeTakeFirst();
  return Number(row?.seq ?? 0);
}

/** The changes after `seq`, oldest first, at most `limit`. */
export async function changesAfter(db: DB, seq: number, limit: number): Promise<StoredChange[]> {
  return await db
    .selectFrom("keyship_changes")
    .select(["seq", "origin", "kind", "subject_id", "user_id"])
    .where("seq", ">", seq)
    .orderBy("seq")
    .limit(limit)
    .execute();
}

/** PostgreSQL: sends `payload` to the listeners of `channel` (delivered at commit). */
export async function notifyChannel(db: DB, channel: string, payload: string): Promise<void> {
  await sql`select pg_notify(${channel}, ${payload})`.execute(db);
}
