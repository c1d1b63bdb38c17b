import { sql } from "kysely";
import type { DB } from "../db/schema.ts";
import { ProblemError } from "../errors.ts";

/**
 * Runs `select 1` against the database.
 * @throws ProblemError `health.database_unavailable` when it fails
 */
export async function checkHealth(db: DB): Promise<void> {
  try {
    await sql`select 1`.execute(db);
  } catch (cause) {
    throw new ProblemError("health.database_unavailable", { cause });
  }
}
