/**
 * A digest of the auth tables' contents, to assert that a refused request changed nothing:
 * take one before, one after, and compare.
 */
import { createHash } from "node:crypto";
import { sql } from "kysely";
import type { KeyshipApp } from "../../src/app.ts";

/** The tables a refused request must leave as they were. */
export const AUTH_TABLES = [
  "users",
  "passkeys",
  "devices",
  "sessions",
  "step_ups",
  "webauthn_challenges",
  "oauth_clients",
  "client_sessions",
] as const;

/**
 * Hashes every row of `tables` (all auth tables by default), in primary-key order.
 * @example const before = await authSnapshot(app); … expect(await authSnapshot(app)).toBe(before);
 */
export async function authSnapshot(
  app: KeyshipApp,
  tables: readonly string[] = AUTH_TABLES,
): Promise<string> {
  const hash = createHash("sha256");
  for (const table of tables) {
    const { rows } = await sql`select * from ${sql.table(table)} order by 1`.execute(
      app.keyship.db,
    );
    hash.update(`${table}:${JSON.stringify(rows)}`);
  }
  return hash.digest("hex");
}
