/**
 * What every feature's routes and services are built with.
 * @module
 */
import type { ChangeFeed } from "./changes/feed.ts";
import type { Settings } from "./config/schema.ts";
import type { DB, DialectName } from "./db/schema.ts";
import type { IdGenerator } from "./ids.ts";
import type { Logger } from "./observability/logger.ts";
import type { RedisConnection } from "./redis/connection.ts";
import type { SessionRuntime } from "./sessions/runtime.ts";
import type { UserFields } from "./users/fields.ts";

/** Shared dependencies, created once at startup and passed down explicitly. */
export interface KeyshipContext {
  readonly db: DB;
  readonly dialect: DialectName;
  readonly settings: Settings;
  readonly logger: Logger;
  /** The clock; tests pin it. */
  readonly now: () => Date;
  /** The id generator; tests may pin it. */
  readonly newId: IdGenerator;
  /** The access-token issuer, revocation list and cookie policy of sessions. */
  readonly sessions: SessionRuntime;
  /** The shared Redis (`redisUrl`), or undefined when none is configured (one instance). */
  readonly redis?: RedisConnection | undefined;
  /**
   * Announces changes that affect authentication to every process (this one at once) and
   * hears theirs; caches read their lifetime from it.
   */
  readonly changes: ChangeFeed;
  /** The app-defined user fields (`user.fields`), compiled at startup. */
  readonly userFields: UserFields;
}

/** The real clock: the default of {@link KeyshipContext.now}. */
export const systemNow = (): Date => new Date();

/**
 * Milliseconds since the epoch, read from `now`. For the real clock this is `Date.now`
 * itself, so hot-path cache lookups allocate no `Date`.
 * @param now the context's clock
 */
export function millisecondsOf(now: () => Date): () => number {
  return now === systemNow ? Date.now : () => now().getTime();
}
