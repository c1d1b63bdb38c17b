/**
 * `keyship migrate` (apply pending migrations) and `keyship migrate status`.
 * @module
 */
import { MigrationError, migrateToLatest, migrationStatus } from "../db/migrate.ts";
import { openCliDatabase, reportUnreachableDatabase } from "./database.ts";
import { type CliIo, UsageError } from "./io.ts";

/** Options of the migrate command. */
export interface MigrateArgs {
  /** `status` to list instead of apply. */
  readonly subcommand: string | undefined;
  /** Overrides KEYSHIP_DATABASE_URL. */
  readonly database: string | undefined;
}

/**
 * Runs `keyship migrate [status] [--database URL]`.
 * @returns the process exit code
 */
export async function runMigrate(args: MigrateArgs, io: CliIo): Promise<number> {
  if (args.subcommand !== undefined && args.subcommand !== "status") {
    throw new UsageError(`unknown migrate subcommand '${args.subcommand}' (expected: status)`);
  }
  const { db, dialect } = openCliDatabase(args, io);
  try {
    if (args.subcommand === "status") {
      const states = await migrationStatus(db, dialect);
      for (const m of states) {
        io.out(
          `  ${m.executedAt === undefined ? "pending " : "applied "} ${m.name}${m.executedAt ? `  (${m.executedAt.toISOString()})` : ""}`,
        );
      }
      const pending = states.filter((m) => m.executedAt === undefined).length;
      io.out(pending === 0 ? "up to date" : `${pending} pending; run 'keyship migrate' to apply`);
      return 0;
    }
    io.out("applying migrations…");
    const results = await migrateToLatest(db, dialect);
    for (const r of results) io.out(`  applied  ${r.migrationName}`);
    io.out(results.length === 0 ? "already up to date" : `done: ${results.length} applied`);
    return 0;
  } catch (error) {
    const failed = error instanceof MigrationError ? error.results : [];
    const cause = error instanceof MigrationError ? error.cause : error;
    if (failed.length > 0) {
      for (const r of failed) io.err(`  ${r.status.toLowerCase().padEnd(8)} ${r.migrationName}`);
      io.err(`migration failed: ${(cause as Error)?.message ?? String(cause)}`);
    } else {
      reportUnreachableDatabase(io, cause);
    }
    return 1;
  } finally {
    await db.destroy();
  }
}
