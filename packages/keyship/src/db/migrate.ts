/**
 * Runs keyship's migrations with Kysely's `Migrator`, in its own bookkeeping tables
 * (`keyship_migration`, `keyship_migration_lock`) so an app's own migrations are untouched.
 * @module
 */
import { type Kysely, type MigrationResult, Migrator } from "kysely";
import { keyshipMigrations } from "./migrations/index.ts";
import type { Database, DialectName } from "./schema.ts";

/** One migration and whether it has run. */
export interface MigrationState {
  readonly name: string;
  readonly executedAt: Date | undefined;
}

function migrator(db: Kysely<Database>, dialect: DialectName): Migrator {
  const migrations = keyshipMigrations(dialect);
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: "keyship_migration",
    migrationLockTableName: "keyship_migration_lock",
    // Migration numbers are assigned per feature and may land out of order (0012 before
    // 0009): a database that ran a later one still takes an earlier one added since.
    allowUnorderedMigrations: true,
  });
}

/** Thrown when a migration fails; `results` tells which ran and which failed. */
export class MigrationError extends Error {
  readonly results: readonly MigrationResult[];
  constructor(cause: unknown, results: readonly MigrationResult[]) {
    super("keyship migrations failed", { cause });
    this.name = "MigrationError";
    this.results = results;
  }
}

/**
 * Applies every pending migration. Running it again is a no-op.
 * @returns one result per migration that ran now (empty when up to date)
 * @throws MigrationError when a migration fails
 */
export async function migrateToLatest(
  db: Kysely<Database>,
  dialect: DialectName,
): Promise<readonly MigrationResult[]> {
  const { error, results } = await migrator(db, dialect).migrateToLatest();
  if (error !== undefined) throw new MigrationError(error, results ?? []);
  return results ?? [];
}

/** Lists every migration and when it ran (`executedAt` undefined when pending). */
export async function migrationStatus(
  db: Kysely<Database>,
  dialect: DialectName,
): Promise<readonly MigrationState[]> {
  const list = await migrator(db, dialect).getMigrations();
  return list.map((m) => ({ name: m.name, executedAt: m.executedAt }));
}
