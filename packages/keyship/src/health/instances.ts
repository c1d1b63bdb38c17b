/**
 * Several instances on one PostgreSQL without Redis: challenges and OAuth flows are shared
 * through the database, but every rate limit counts in each process's memory, so a client
 * gets N times the configured limit behind N instances. Such a deployment is detected at
 * startup and every minute after, warned about once in the log, and shown by the `instances`
 * check of `/health` (status `ok`: it is a warning, not an outage).
 * @module
 */
import type { KeyshipContext } from "../context.ts";
import { otherInstanceNames } from "../db/instances.ts";
import type { DependencyHealth, HealthChecks } from "./checks.ts";

/** How often an instance looks for others, in ms (also on each `/health`). */
export const INSTANCE_SCAN_INTERVAL_MS = 60_000;

/** The warning, as the log and `/health` say it. */
export const SEVERAL_INSTANCES_WARNING =
  "several keyship instances share this PostgreSQL database without Redis: each counts rate limits on its own (a client gets the limit once per instance); set KEYSHIP_REDIS_URL to share them";

/** What {@link watchInstances} needs. */
export interface InstanceWatchOptions {
  readonly health: HealthChecks;
  /** Resolves once the instance is migrated and listening. */
  readonly ready: Promise<void>;
  /** This instance's `application_name`. */
  readonly applicationName: string;
}

/**
 * On PostgreSQL without Redis, looks for other instances on the same database (at startup,
 * every {@link INSTANCE_SCAN_INTERVAL_MS}, and on each `/health`), logs
 * {@link SEVERAL_INSTANCES_WARNING} once, and registers the `instances` check. Elsewhere it does
 * nothing.
 * @returns a function that stops the scans
 * @example const stop = watchInstances(context, { health, ready, applicationName });
 */
export function watchInstances(
  ctx: Pick<KeyshipContext, "db" | "dialect" | "settings" | "logger">,
  options: InstanceWatchOptions,
): () => void {
  if (ctx.dialect !== "postgres" || ctx.settings.redisUrl !== undefined) return () => {};
  let warned = false;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  async function scan(): Promise<DependencyHealth> {
    const others = await otherInstanceNames(ctx.db, options.applicationName);
    if (others.length === 0) return { status: "ok" };
    if (!warned) {
      warned = true;
      ctx.logger.warn({ others: others.length }, SEVERAL_INSTANCES_WARNING);
    }
    return { status: "ok", warning: SEVERAL_INSTANCES_WARNING };
  }
  const quietScan = () => {
    if (!stopped && !warned) scan().catch(() => {}); // the database check reports outages
  };

  // Never down: a failed scan is the database's outage, which its own check reports.
  options.health.add({
    name: "instances",
    check: () => scan().catch((): DependencyHealth => ({ status: "ok" })),
  });
  options.ready.then(
    () => {
      if (stopped) return;
      quietScan();
      timer = setInterval(quietScan, INSTANCE_SCAN_INTERVAL_MS).unref();
    },
    () => {},
  );
  return () => {
    stopped = true;
    if (timer !== undefined) clearInterval(timer);
  };
}
