/**
 * Which keyship instances share a PostgreSQL database: each tags its connections with the
 * `application_name` `keyship:<instance id>` (the pool's and the change feed's `LISTEN`
 * connection, which stays open for as long as the instance runs), so any instance finds the
 * others in `pg_stat_activity`. CLI commands do not tag theirs: they are not instances.
 * @module
 */
import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import type { DB } from "./schema.ts";

/** The start of every instance's `application_name`. */
export const INSTANCE_NAME_PREFIX = "keyship:";

/**
 * A new instance name, `keyship:<random id>` (well under PostgreSQL's 63 bytes).
 * @example newInstanceName() // "keyship:0b1xV3…"
 */
export function newInstanceName(): string {
  return `${INSTANCE_NAME_PREFIX}${randomBytes(9).toString("base64url")}`;
}

/**
 * The names of the other instances connected to this database now (PostgreSQL only).
 * @param own this instance's name, left out
 * @example const others = await otherInstanceNames(db, "keyship:abc");
 */
export async function otherInstanceNames(db: DB, own: string): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select distinct application_name as name from pg_stat_activity
    where datname = current_database()
      and starts_with(application_name, ${INSTANCE_NAME_PREFIX})
      and application_name <> ${own}
    order by 1`.execute(db);
  return rows.map((row) => row.name);
}
