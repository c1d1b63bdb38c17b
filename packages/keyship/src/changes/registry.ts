/**
 * Which transport carries changes, from the settings: Redis pub/sub when `redisUrl` is set,
 * else PostgreSQL LISTEN/NOTIFY, else SQLite's polled table.
 * @module
 */
import type { Settings } from "../config/schema.ts";
import type { DB, DialectName } from "../db/schema.ts";
import type { RedisConnection } from "../redis/connection.ts";
import { postgresTransport } from "./postgres.ts";
import { sqliteTransport } from "./sqlite.ts";
import type { ChangeTransport } from "./transport.ts";

/** What choosing a transport needs. */
export interface ChangeTransportSource {
  readonly settings: Pick<Settings, "databaseUrl" | "redisUrl" | "redisPrefix">;
  readonly db: DB;
  readonly dialect: DialectName;
  readonly now: () => Date;
  /** The shared Redis, when `redisUrl` is set. */
  readonly redis?: RedisConnection | undefined;
}

/**
 * The transport for these settings.
 * @example const transport = changeTransport({ settings, db, dialect, now });
 */
export function changeTransport(source: ChangeTransportSource): ChangeTransport {
  const { settings, db, dialect } = source;
  if (dialect === "postgres") return postgresTransport(db, settings.databaseUrl);
  return sqliteTransport(db, source.now);
}
