/**
 * Kysely over Node's built-in `node:sqlite` (`DatabaseSync`): no native build step.
 *
 * Kysely's `SqliteDialect` expects a better-sqlite3 shaped driver: statements take one array
 * of parameters and expose a `reader` flag. `DatabaseSync` spreads parameters and has no flag,
 * so this adapter bridges the two (`reader` comes from `StatementSync.columns()`, Node ≥ 22.16).
 * @module
 */
import { DatabaseSync, type SQLInputValue, type StatementSync } from "node:sqlite";
import { type SqliteDatabase, SqliteDialect, type SqliteStatement } from "kysely";

const STATEMENT_CACHE_SIZE = 256;

/** Turns values node:sqlite cannot bind (booleans, undefined, Dates) into ones it can. */
function toSqliteValue(value: unknown): SQLInputValue {
  if (value === undefined) return null;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  return value as SQLInputValue;
}

function bind(parameters: ReadonlyArray<unknown>): SQLInputValue[] {
  return parameters.map(toSqliteValue);
}

function adaptStatement(statement: StatementSync): SqliteStatement {
  return {
    reader: statement.columns().length > 0,
    all: (parameters) => statement.all(...bind(parameters)),
    run: (parameters) => statement.run(...bind(parameters)),
    iterate: (parameters) => statement.iterate(...bind(parameters)),
  };
}

/**
 * Wraps a `DatabaseSync` in the interface Kysely's `SqliteDialect` expects, caching prepared
 * statements (bounded) so hot queries are compiled once.
 * @param database an open node:sqlite database
 */
export function adaptDatabaseSync(database: DatabaseSync): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => {
      cache.clear();
      database.close();
    },
    prepare: (sql) => {
      let statement = cache.get(sql);
      if (statement === undefined) {
        statement = adaptStatement(database.prepare(sql));
        if (cache.size >= STATEMENT_CACHE_SIZE) {
          const oldest = cache.keys().next().value;
          if (oldest !== undefined) cache.delete(oldest);
        }
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}

/**
 * Opens a SQLite file (or `:memory:`) with WAL, foreign keys and a busy timeout, and returns
 * a Kysely dialect for it.
 * @param path a file path or `:memory:`
 * @param busyTimeoutMs how long a writer waits for a lock. @default 5000
 */
export function createSqliteDialect(path: string, busyTimeoutMs = 5000): SqliteDialect {
  return new SqliteDialect({
    database: async () => {
      const database = new DatabaseSync(path);
      if (path !== ":memory:") database.exec("PRAGMA journal_mode = WAL");
      database.exec("PRAGMA foreign_keys = ON");
      database.exec(`PRAGMA busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
      database.exec("PRAGMA synchronous = NORMAL");
      return adaptDatabaseSync(database);
    },
  });
}
