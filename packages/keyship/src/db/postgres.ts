/**
 * Kysely over `pg` with a pool. Timestamps are read back as ISO-8601 strings and `bigint`
 * counts as numbers, so rows look the same as on SQLite.
 * @module
 */
import { PostgresDialect } from "kysely";
import type pg from "pg";
import { lazyModule } from "../optional.ts";
import { taggedConnection } from "./instances.ts";

/** The `pg` package, loaded with the first PostgreSQL connection (never on SQLite). */
export const loadPg = lazyModule<typeof pg>("pg");

const TIMESTAMPTZ_OID = 1184;
const TIMESTAMP_OID = 1114;
const INT8_OID = 20;

function parseTimestamp(value: string): string {
  return new Date(value).toISOString();
}

const types = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === TIMESTAMPTZ_OID || oid === TIMESTAMP_OID) return parseTimestamp;
    if (oid === INT8_OID) return (value: string) => Number(value);
    return loadPg().types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/** Pool options for {@link createPostgresDialect}. */
export interface PostgresPoolOptions {
  /** Largest number of connections. @default 10 */
  readonly max?: number;
  /** How long to wait for a connection before failing. @default 5000 */
  readonly connectionTimeoutMillis?: number;
  /** The instance tag in each connection's `application_name` (see `taggedConnection`). @default none */
  readonly applicationName?: string;
}

/**
 * Creates a Kysely dialect over a `pg` pool for `url`.
 * @param url a `postgres://` or `postgresql://` connection string
 */
export function createPostgresDialect(
  url: string,
  options: PostgresPoolOptions = {},
): PostgresDialect {
  const tagged =
    options.applicationName === undefined
      ? undefined
      : taggedConnection(url, options.applicationName);
  const pool = new (loadPg().Pool)({
    connectionString: tagged?.url ?? url,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMillis ?? 5000,
    ...(tagged === undefined ? {} : { application_name: tagged.applicationName }),
    types,
  });
  // An idle client that errors (server restart) must not crash the process; the next query
  // gets a fresh connection and fails or succeeds on its own.
  pool.on("error", () => {});
  // A client checked out of the pool (inside a transaction) has no pool listener: when the
  // server drops its connection, its `error` event would be an uncaught exception that ends
  // the process. Its queries fail on their own (answered 503), and the pool discards the dead
  // client when it is released.
  pool.on("connect", (client) => {
    client.on("error", () => {});
  });
  return new PostgresDialect({ pool });
}
