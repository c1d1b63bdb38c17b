/**
 * Which keyship instances share a PostgreSQL database: each tags its connections with the
 * `application_name` `keyship:<instance id>` (the pool's and the change feed's `LISTEN`
 * connection, which stays open for as long as the instance runs), so any instance finds the
 * others in `pg_stat_activity`. An `application_name` already in the database URL is kept after
 * the tag (`keyship:<id> billing-api`), so a DBA still sees it and detection still works. CLI
 * commands do not tag theirs: they are not instances.
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

/** PostgreSQL keeps the first 63 bytes of an `application_name`. */
const APPLICATION_NAME_MAX = 63;

/**
 * The connection string and `application_name` of an instance's connections: the instance tag,
 * followed by the URL's own `application_name` when it has one (taken out of the URL, where it
 * would win over the tag and hide the instance).
 * @param url a `postgres://` connection string
 * @param instanceName the tag of {@link newInstanceName}
 * @example taggedConnection("postgres://db/app?application_name=api", "keyship:abc")
 * // { url: "postgres://db/app", applicationName: "keyship:abc api" }
 */
export function taggedConnection(
  url: string,
  instanceName: string,
): { url: string; applicationName: string } {
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  const given = parsed?.searchParams.get("application_name");
  if (parsed === undefined || given === null || given === undefined) {
    return { url, applicationName: instanceName };
  }
  parsed.searchParams.delete("application_name");
  const name = Buffer.from(`${instanceName} ${given}`).subarray(0, APPLICATION_NAME_MAX);
  return { url: parsed.toString(), applicationName: name.toString("utf8").replace(/\uFFFD$/, "") };
}

/**
 * The names of the other instances connected to this database now (PostgreSQL only).
 * @param own this instance's name, left out
 * @example const others = await otherInstanceNames(db, "keyship:abc");
 */
export async function otherInstanceNames(db: DB, own: string): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select distinct split_part(application_name, ' ', 1) as name from pg_stat_activity
    where datname = current_database()
      and starts_with(application_name, ${INSTANCE_NAME_PREFIX})
      and split_part(application_name, ' ', 1) <> ${own}
    order by 1`.execute(db);
  return rows.map((row) => row.name);
}
