/**
 * Opens the database named by a URL.
 * @module
 */
import { Kysely } from "kysely";
import { KeyshipConfigError } from "../errors.ts";
import { traceQueries } from "../observability/kysely.ts";
import { createPostgresDialect } from "./postgres.ts";
import type { Database, DialectName } from "./schema.ts";
import { createSqliteDialect } from "./sqlite.ts";

/** An open database and which dialect it speaks. */
export interface OpenDatabase {
  readonly db: Kysely<Database>;
  readonly dialect: DialectName;
}

/**
 * Parses a database URL into a dialect and its target.
 * @param url `sqlite:<path>`, `sqlite::memory:`, `postgres://…` or `postgresql://…`
 * @throws KeyshipConfigError for any other scheme
 */
export function parseDatabaseUrl(url: string): { dialect: DialectName; target: string } {
  if (url.startsWith("sqlite:")) {
    const target = url.slice("sqlite:".length).replace(/^\/\//, "");
    return { dialect: "sqlite", target: target === "" ? ":memory:" : target };
  }
  if (url.startsWith("postgres://") || url.startsWith("postgresql://")) {
    return { dialect: "postgres", target: url };
  }
  throw new KeyshipConfigError([
    "KEYSHIP_DATABASE_URL must start with sqlite: or postgres:// (e.g. sqlite:./keyship.db).",
  ]);
}

/** Options of {@link openDatabase}. */
export interface OpenDatabaseOptions {
  /**
   * How long a query waits for a locked SQLite file, or for a PostgreSQL connection, before
   * failing (then answered 503 `service_unavailable`). @default 5000
   */
  readonly timeoutMs?: number;
  /** PostgreSQL's `application_name` of the pool's connections. @default none */
  readonly applicationName?: string;
}

/**
 * Opens a Kysely instance for `url`. Nothing connects until the first query.
 * @example const { db } = openDatabase("sqlite::memory:");
 */
export function openDatabase(url: string, options: OpenDatabaseOptions = {}): OpenDatabase {
  const { dialect, target } = parseDatabaseUrl(url);
  const timeoutMs = options.timeoutMs ?? 5000;
  const kyselyDialect =
    dialect === "sqlite"
      ? createSqliteDialect(target, timeoutMs)
      : createPostgresDialect(target, {
          connectionTimeoutMillis: timeoutMs,
          ...(options.applicationName === undefined
            ? {}
            : { applicationName: options.applicationName }),
        });
  const log = traceQueries({ system: dialect === "sqlite" ? "sqlite" : "postgresql" });
  return { db: new Kysely<Database>({ dialect: kyselyDialect, log }), dialect };
}
