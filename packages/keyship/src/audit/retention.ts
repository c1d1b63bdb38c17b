/**
 * The audit retention: events older than `auditRetentionDays` are deleted once at startup and
 * then every hour, by the serving process itself.
 * @module
 */
import type { KeyshipContext } from "../context.ts";
import { pruneAuditEvents } from "./service.ts";

/** How often the retention runs. */
export const RETENTION_INTERVAL_MS = 3_600_000;

/**
 * Starts the retention for one instance once `ready` resolves.
 * @param ctx the database, clock, settings and logger
 * @param ready resolves when migrations have run
 * @returns stops the timer (idempotent)
 */
export function startAuditRetention(
  ctx: Pick<KeyshipContext, "db" | "now" | "settings" | "logger">,
  ready: Promise<void>,
): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const run = async () => {
    if (stopped) return;
    try {
      const deleted = await pruneAuditEvents(ctx);
      if (deleted > 0) ctx.logger.info({ deleted }, "audit events past the retention deleted");
    } catch (err) {
      ctx.logger.warn({ err }, "audit retention failed; it runs again in an hour");
    }
  };
  ready.then(
    () => {
      if (stopped) return;
      void run();
      timer = setInterval(run, RETENTION_INTERVAL_MS);
      timer.unref();
    },
    () => {},
  );
  return () => {
    stopped = true;
    if (timer !== undefined) clearInterval(timer);
  };
}
