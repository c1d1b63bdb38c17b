/**
 * Startup steps of `buildKeyship()`: the shared context and the background migrations.
 * @module
 */
import { createChangeFeed } from "./changes/feed.ts";
import { changeTransport } from "./changes/registry.ts";
import type { Settings } from "./config/schema.ts";
import { type KeyshipContext, systemNow } from "./context.ts";
import { migrateToLatest } from "./db/migrate.ts";
import { type IdGenerator, newId } from "./ids.ts";
import type { Logger } from "./observability/logger.ts";
import { createSessionRuntime } from "./sessions/runtime.ts";

/** Builds the context every feature shares over the opened dependencies, with its change feed. */
export function buildContext(
  options: { readonly now?: () => Date; readonly newId?: IdGenerator },
  settings: Settings,
  logger: Logger,
  deps: Pick<KeyshipContext, "db" | "dialect" | "redis" | "userFields"> & {
    /** The instance's PostgreSQL `application_name` (db/instances.ts). */
    readonly applicationName?: string;
  },
): KeyshipContext {
  const { db, dialect, redis, userFields, applicationName } = deps;
  const now = options.now ?? systemNow;
  const changes = createChangeFeed({
    transport: changeTransport({ settings, db, dialect, now, redis, applicationName }),
    logger,
    now,
  });
  return {
    db,
    dialect,
    settings,
    logger,
    now,
    newId: options.newId ?? newId,
    sessions: createSessionRuntime(settings, now, changes, redis),
    redis,
    changes,
    userFields,
  };
}

/** Runs the migrations in the background when `autoMigrate` is on; logs each and a failure. */
export function startMigrations(
  ctx: Pick<KeyshipContext, "db" | "dialect" | "settings" | "logger">,
) {
  const { db, dialect, logger } = ctx;
  const ready = ctx.settings.autoMigrate
    ? migrateToLatest(db, dialect).then((results) => {
        for (const r of results)
          logger.info({ migration: r.migrationName, status: r.status }, "migration");
      })
    : Promise.resolve();
  ready.catch((err: unknown) => logger.error({ err }, "keyship migrations failed"));
  return ready;
}
