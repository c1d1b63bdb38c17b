/**
 * Shared setup of the users suites: a migrated database per dialect and user rows.
 */
import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../../src/db/connect.ts";
import { migrateToLatest } from "../../src/db/migrate.ts";
import type { DB, UsersTable } from "../../src/db/schema.ts";
import { newId } from "../../src/ids.ts";
import type { TestDatabase, TestDialect } from "../helpers/databases.ts";

/** A migrated database for one suite. */
export interface MigratedDatabase {
  readonly db: DB;
  readonly target: TestDatabase;
  close(): Promise<void>;
}

/**
 * Creates an empty database that outlives its connections (a temporary file on SQLite, where
 * the suites' `sqlite::memory:` would vanish between CLI runs).
 */
export async function persistentDatabase(dialect: TestDialect): Promise<TestDatabase> {
  if (dialect.name !== "sqlite") return await dialect.create();
  const file = join(tmpdir(), `keyship-test-${randomBytes(6).toString("hex")}.db`);
  return {
    url: `sqlite:${file}`,
    drop: async () => {
      for (const suffix of ["", "-wal", "-shm"]) await rm(`${file}${suffix}`, { force: true });
    },
  };
}

/**
 * Creates an empty database on `dialect`, migrates it and opens it.
 * @param persistent use {@link persistentDatabase} (for CLI runs that open their own connection)
 */
export async function migratedDatabase(
  dialect: TestDialect,
  persistent = false,
): Promise<MigratedDatabase> {
  const target = persistent ? await persistentDatabase(dialect) : await dialect.create();
  const { db } = openDatabase(target.url);
  await migrateToLatest(db, dialect.name);
  return {
    db,
    target,
    close: async () => {
      await db.destroy();
      await target.drop();
    },
  };
}

/** The time every fixture row was created at. */
export const CREATED_AT = "2026-01-01T00:00:00.000Z";

/** A complete users row with a fresh id and email; `overrides` win. */
export function userRow(overrides: Partial<UsersTable> = {}): UsersTable {
  const id = overrides.id ?? newId("user");
  return {
    id,
    email: `${id}@example.com`,
    display_name: null,
    role: "user",
    scopes: "[]",
    password_hash: null,
    email_verified_at: null,
    disabled_at: null,
    created_at: CREATED_AT,
    updated_at: CREATED_AT,
    fields: "{}",
    ...overrides,
  };
}
