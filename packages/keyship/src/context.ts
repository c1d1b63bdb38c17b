/**
 * What every feature's routes and services are built with.
 * @module
 */
import type { Settings } from "./config/schema.ts";
import type { DB, DialectName } from "./db/schema.ts";
import type { IdGenerator } from "./ids.ts";
import type { Logger } from "./observability/logger.ts";
import type { SessionRuntime } from "./sessions/runtime.ts";

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
}
