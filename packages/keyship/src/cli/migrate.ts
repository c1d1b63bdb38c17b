/**
 * `keyship migrate` (apply pending migrations) and `keyship migrate status`.
 * @module
 */
import { join } from "node:path";
import { loadSettings } from "../config/load.ts";
import { openDatabase } from "../db/connect.ts";
import { MigrationError, migrateToLatest, migrationStatus } from "../db/migrate.ts";
import { type CliIo, UsageError } from "./io.ts";

/** Options of the migrate command. */
export interface MigrateArgs {
  /** `status` to list instead of apply. */
  readonly subcommand: string | undefined;
  /** Overrides KEYSHIP_DATABASE_URL. */
  readonly database: string | undefined;
}

function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:***@");
}

/**
 * Runs `keyship migrate [status] [--database URL]`.
 * @returns the process exit code
 */
export async function runMigrate(args: MigrateArgs, io: CliIo): Promise<number> {
  if (args.subcommand !== undefined && args.subcommand !== "status") {
    throw new UsageError(`unknown migrate subcommand '${args.subcommand}' (expected: status)`);
  }
  const { settings } = loadSettings({
    env: io.env,
    envFile: join(io.cwd, ".env"),
    options: args.database === undefined ? {} : { databaseUrl: args.database },
  });
  const { db, dialect } = openDatabase(settings.databaseUrl);
  io.out(`database: ${redact(settings.databaseUrl)} (${dialect})`);
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
      io.err(`cannot reach the database: ${(cause as Error)?.message ?? String(cause)}`);
      io.err("check KEYSHIP_DATABASE_URL (or --database) and that the server is running.");
    }
    return 1;
  } finally {
    await db.destroy();
  }
}
