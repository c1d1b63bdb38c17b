/**
 * Which transport carries changes, from the settings: Redis pub/sub when `redisUrl` is set,
 * else PostgreSQL LISTEN/NOTIFY, else SQLite's polled table.
 * @module
 */
import type { Settings } from "../config/schema.ts";
import type { DB, DialectName } from "../db/schema.ts";
import { createLogger } from "../observability/logger.ts";
import { openRedis, type RedisConnection } from "../redis/connection.ts";
import { postgresTransport } from "./postgres.ts";
import { redisTransport } from "./redis.ts";
import { sqliteTransport } from "./sqlite.ts";
import type { ChangeTransport } from "./transport.ts";

/** What choosing a transport needs. */
export interface ChangeTransportSource {
  readonly settings: Pick<Settings, "databaseUrl" | "redisUrl" | "redisPrefix">;
  readonly db: DB;
  readonly dialect: DialectName;
  readonly now: () => Date;
  /**
   * The instance's Redis, when `redisUrl` is set. Without it (a CLI command), the transport
   * opens a connection of its own and closes it with itself.
   */
  readonly redis?: RedisConnection | undefined;
  /** The instance's PostgreSQL `application_name`, for the `LISTEN` connection. */
  readonly applicationName?: string | undefined;
}

/**
 * The transport for these settings.
 * @example const transport = changeTransport({ settings, db, dialect, now });
 */
export function changeTransport(source: ChangeTransportSource): ChangeTransport {
  const { settings, db, dialect } = source;
  if (settings.redisUrl !== undefined) {
    if (source.redis !== undefined) return redisTransport(source.redis);
    const { redisUrl: url, redisPrefix: prefix } = settings;
    const own = openRedis({ url, prefix, logger: createLogger("silent") });
    return redisTransport(own, { closeConnection: true });
  }
  if (dialect === "postgres") {
    return postgresTransport(db, settings.databaseUrl, source.applicationName);
  }
  return sqliteTransport(db, source.now);
}
