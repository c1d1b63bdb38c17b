/**
 * Opening the database for a CLI command, with the same settings sources as the server.
 * @module
 */
import { isAbsolute, join, resolve } from "node:path";
import { type ChangeFeed, createChangeFeed } from "../changes/feed.ts";
import { changeTransport } from "../changes/registry.ts";
import { loadSettings } from "../config/load.ts";
import type { Settings } from "../config/schema.ts";
import { openDatabase, parseDatabaseUrl } from "../db/connect.ts";
import { migrationStatus } from "../db/migrate.ts";
import type { DB, DialectName } from "../db/schema.ts";
import { createLogger } from "../observability/logger.ts";
import type { CliIo } from "./io.ts";

/** The `--database` flag every database command accepts. */
export interface CliDatabaseArgs {
  /** Overrides KEYSHIP_DATABASE_URL. */
  readonly database: string | undefined;
}

/** A database opened by a CLI command; the command must `db.destroy()` it. */
export interface CliDatabase {
  readonly db: DB;
  readonly dialect: DialectName;
  readonly settings: Settings;
}

/**
 * Hides the password of a database URL, e.g. `postgres://app:***@db/keyship`.
 * @param url a database URL
 * @example redactDatabaseUrl("postgres://app:s3cret@db/x") // "postgres://app:***@db/x"
 */
export function redactDatabaseUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:***@");
}

/**
 * The database URL a command opens: a relative SQLite path is taken from the command's working
 * directory (`io.cwd`, where its `.env` is read too), not the process's, so `keyship migrate`,
 * `keyship doctor` and the other commands agree on which file they mean.
 * @param url a database URL (`sqlite:…` or `postgres://…`)
 * @param cwd the directory relative SQLite paths start from
 * @example cliDatabaseUrl("sqlite:./keyship.db", "/srv/app") // "sqlite:/srv/app/keyship.db"
 */
export function cliDatabaseUrl(url: string, cwd: string): string {
  const { dialect, target } = parseDatabaseUrl(url);
  if (dialect !== "sqlite" || target === ":memory:" || isAbsolute(target)) return url;
  return `sqlite:${resolve(cwd, target)}`;
}

/**
 * Loads settings (`--database` > `KEYSHIP_*` in `io.env` > `.env` in `io.cwd` > defaults),
 * opens the database and prints which one (`database: <url> (<dialect>)`, password hidden).
 * Nothing connects until the first query.
 * @param args the command's `--database` flag
 * @param io where to print and which environment to read
 * @throws KeyshipConfigError when the settings are invalid (the CLI exits with 1)
 * @example
 * const { db, dialect } = openCliDatabase({ database: values.database }, io);
 * try { … } finally { await db.destroy(); }
 */
export function openCliDatabase(args: CliDatabaseArgs, io: CliIo): CliDatabase {
  const { settings } = loadSettings({
    env: io.env,
    envFile: join(io.cwd, ".env"),
    options: args.database === undefined ? {} : { databaseUrl: args.database },
  });
  const { db, dialect } = openDatabase(cliDatabaseUrl(settings.databaseUrl, io.cwd));
  io.out(`database: ${redactDatabaseUrl(settings.databaseUrl)} (${dialect})`);
  return { db, dialect, settings };
}

/**
 * The change feed a command announces its changes on, so running servers drop their caches
 * of what it changed (Redis when `KEYSHIP_REDIS_URL` is set, else the database). It never
 * listens; finish with {@link closeCliChanges}.
 * @param opened the command's database and settings
 * @example const changes = openCliChanges(opened); … changes.announce({ kind: "user", id });
 */
export function openCliChanges(opened: CliDatabase): ChangeFeed {
  const transport = changeTransport({ ...opened, now: () => new Date() });
  return createChangeFeed({ transport, logger: createLogger("silent") });
}

/**
 * Sends the command's announcements and closes the feed; when they could not be sent, says
 * that running servers notice only within `KEYSHIP_AUTH_CACHE_TTL_SECONDS`.
 * @param changes the feed of {@link openCliChanges}
 * @param io where to print
 */
export async function closeCliChanges(changes: ChangeFeed, io: CliIo): Promise<void> {
  if (!(await changes.flush())) {
    io.err(
      "warning: running servers could not be told about this change (change feed unreachable); they apply it within KEYSHIP_AUTH_CACHE_TTL_SECONDS",
    );
  }
  await changes.close().catch(() => {});
}

/**
 * Prints why the database could not be reached, with a hint, on `io.err`.
 * @param io where to print
 * @param cause the driver's error
 * @example catch (error) { reportUnreachableDatabase(io, error); return 1; }
 */
export function reportUnreachableDatabase(io: CliIo, cause: unknown): void {
  io.err(`cannot reach the database: ${(cause as Error)?.message ?? String(cause)}`);
  io.err("check KEYSHIP_DATABASE_URL (or --database) and that the server is running.");
}

/**
 * Whether the database is reachable and fully migrated. Otherwise prints why on `io.err` (an
 * unreachable database with a hint, or pending migrations asking for `keyship migrate`) and
 * answers false: the command exits 1 without touching anything.
 * @param db an opened database (`openCliDatabase`)
 * @param dialect its dialect
 * @param io where to print
 * @example if (!(await isMigrated(db, dialect, io))) return 1;
 */
export async function isMigrated(db: DB, dialect: DialectName, io: CliIo): Promise<boolean> {
  let pending: number;
  try {
    const states = await migrationStatus(db, dialect);
    pending = states.filter((m) => m.executedAt === undefined).length;
  } catch (error) {
    reportUnreachableDatabase(io, error);
    return false;
  }
  if (pending > 0) {
    io.err(`the database has ${pending} pending migration(s); run 'keyship migrate' first`);
    return false;
  }
  return true;
}
