/**
 * The audit log as request handlers see it: the source of an event read from the request
 * (actor, impersonator, IP, user agent, trace id), and `logAction()` for an app's own events.
 * @module
 */
import type { Context } from "hono";
import type { KeyshipContext } from "../context.ts";
import type { DB } from "../db/schema.ts";
import { clientIp, UNKNOWN_CLIENT } from "../http/client-ip.ts";
import type { KeyshipEnv, RequestAuditLog } from "../http/variables.ts";
import type { AuditOutcome, AuditSource, AuditTargetType } from "./model.ts";
import { recordAudit } from "./service.ts";

/**
 * Builds the audit log of an instance.
 * @param ctx the database, clock, id generator and `trustProxy`
 */
export function requestAuditLog(
  ctx: Pick<KeyshipContext, "db" | "now" | "newId" | "settings">,
): RequestAuditLog {
  const { trustProxy } = ctx.settings;
  const sourceOf = (c: Context<KeyshipEnv>): AuditSource => {
    const principal = c.get("principal");
    const ip = clientIp(c, trustProxy);
    return {
      actorId: principal?.userId ?? null,
      impersonatorId: principal?.impersonatorId ?? null,
      ip: ip === UNKNOWN_CLIENT ? null : ip,
      userAgent: c.req.header("user-agent") ?? null,
      traceId: (c.get("traceId") as string | undefined) ?? null,
    };
  };
  return {
    sourceOf,
    record: (c, event, db = ctx.db) => recordAudit(db, ctx, sourceOf(c), event),
  };
}

/**
 * The source of an audit event: who made the request (`actorId`, `impersonatorId`) and from
 * where (IP, user agent, trace id).
 * @param c a request that passed keyship's setup
 */
export function auditSourceOf(c: Context<KeyshipEnv>): AuditSource {
  return c.get("audit").sourceOf(c);
}

/** Options of {@link logAction}. */
export interface LogActionOptions {
  readonly targetType?: AuditTargetType;
  readonly targetId?: string;
  /** Facts to keep (keys that look like secrets are dropped). */
  readonly data?: Readonly<Record<string, unknown>>;
  /** @default "success" */
  readonly outcome?: AuditOutcome;
  /** Your own transaction, so the event commits or rolls back with your change. */
  readonly db?: DB;
}

/**
 * Records an application event in keyship's audit log, with the caller, IP, user agent and
 * trace id filled in from the request. Shown in the admin console beside keyship's own events.
 * @param c the request (it must have passed keyship's setup: any route of `createApp()` or of
 *   `keyship().routes`; on your own routes in an existing app use `keyship.logAction(c, …)`)
 * @param action a dotted lower-case name, e.g. `invoice.refunded`
 * @param options the target, data, outcome and an optional transaction
 * @throws TypeError when the action is not a dotted lower-case name, or the request did not
 *   pass keyship's setup
 * @example
 * app.post("/invoices/:id/refund", requireScopes("billing:refund"), async (c) => {
 *   await logAction(c, "invoice.refunded", { targetType: "invoice", targetId: c.req.param("id") });
 *   return c.body(null, 204);
 * });
 */
export async function logAction(
  c: Context<KeyshipEnv>,
  action: string,
  options: LogActionOptions = {},
): Promise<void> {
  const log = c.get("audit") as RequestAuditLog | undefined;
  if (log === undefined) {
    throw new TypeError("logAction(c) needs a request that passed keyship's setup");
  }
  const { db, ...event } = options;
  await log.record(c, { action, ...event }, db);
}
