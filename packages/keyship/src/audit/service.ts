/**
 * Recording and reading audit events. A change and its event are written in one transaction:
 * pass the change's transaction as `db`.
 * @module
 */
import type { KeyshipContext } from "../context.ts";
import type { AuditEventsTable, DB } from "../db/schema.ts";
import { decodeCursor, encodeCursor } from "../db/search.ts";
import {
  ACTION_PATTERN,
  type AuditEvent,
  type AuditEventInput,
  type AuditSource,
  serializeAuditData,
} from "./model.ts";
import {
  type AuditFilters,
  type AuditPosition,
  deleteAuditRowsBefore,
  insertAuditRow,
  listAuditRows,
} from "./store.ts";

/** What recording needs from {@link KeyshipContext}. */
export type AuditContext = Pick<KeyshipContext, "now" | "newId">;

/**
 * Records one event.
 * @param db the transaction of the change it records (or the database, for a failure that
 *   changed nothing)
 * @param ctx the clock and id generator
 * @param source who and from where (`auditSourceOf(c)`, or `CLI_SOURCE`)
 * @param event the action, outcome, target and data
 * @throws TypeError when the action is not a dotted lower-case name
 * @example await recordAudit(trx, ctx, source, { action: "passkey.revoked", targetType: "passkey", targetId });
 */
export async function recordAudit(
  db: DB,
  ctx: AuditContext,
  source: AuditSource,
  event: AuditEventInput,
): Promise<void> {
  if (!ACTION_PATTERN.test(event.action)) {
    throw new TypeError(`audit action "${event.action}" is not a dotted lower-case name`);
  }
  await insertAuditRow(db, {
    id: ctx.newId("audit"),
    at: ctx.now().toISOString(),
    action: event.action,
    outcome: event.outcome ?? "success",
    actor_id: event.actorId === undefined ? source.actorId : event.actorId,
    impersonator_id: source.impersonatorId,
    target_type: event.targetType ?? null,
    target_id: event.targetId ?? null,
    ip: source.ip,
    user_agent: source.userAgent === null ? null : source.userAgent.slice(0, 512),
    trace_id: source.traceId,
    data: serializeAuditData(event.data),
  });
}

/** A row as the API shows it. */
export function toAuditEvent(row: AuditEventsTable): AuditEvent {
  let data: Record<string, unknown> = {};
  try {
    data = JSON.parse(row.data) as Record<string, unknown>;
  } catch {
    // Rows are written by recordAudit() only; an unreadable one shows as empty.
  }
  return {
    id: row.id,
    at: row.at,
    action: row.action,
    outcome: row.outcome,
    actorId: row.actor_id,
    impersonatorId: row.impersonator_id,
    targetType: row.target_type,
    targetId: row.target_id,
    ip: row.ip,
    userAgent: row.user_agent,
    traceId: row.trace_id,
    data,
  };
}

/** A page of events and the cursor of the next one (null on the last page). */
export interface AuditPage {
  readonly items: AuditEvent[];
  readonly nextCursor: string | null;
}

/**
 * One page of events, newest first.
 * @param ctx the database
 * @param filters see {@link AuditFilters}
 * @param page `limit` (1–500) and the `cursor` a previous page returned
 * @throws ProblemError `validation.failed` for a cursor this API did not return
 */
export async function listAuditEvents(
  ctx: Pick<KeyshipContext, "db">,
  filters: AuditFilters,
  page: { limit: number; cursor?: string | undefined },
): Promise<AuditPage> {
  const key = page.cursor === undefined ? undefined : decodeCursor(page.cursor);
  const after = key === undefined ? undefined : { at: key[0], id: key[1] };
  const rows = await listAuditRows(ctx.db, filters, { limit: page.limit + 1, after });
  const items = rows.slice(0, page.limit).map(toAuditEvent);
  const last = items.at(-1);
  return {
    items,
    nextCursor:
      rows.length > page.limit && last !== undefined ? encodeCursor([last.at, last.id]) : null,
  };
}

/**
 * Every event matching `filters`, newest first, read a page at a time (for exports).
 * @param ctx the database
 * @param filters see {@link AuditFilters}
 */
export async function* allAuditEvents(
  ctx: Pick<KeyshipContext, "db">,
  filters: AuditFilters,
): AsyncGenerator<AuditEvent> {
  let after: AuditPosition | undefined;
  for (;;) {
    const rows = await listAuditRows(ctx.db, filters, { limit: 500, after });
    for (const row of rows) yield toAuditEvent(row);
    const last = rows.at(-1);
    if (rows.length < 500 || last === undefined) return;
    after = last;
  }
}

/**
 * Deletes events older than `auditRetentionDays`.
 * @returns how many rows went
 */
export async function pruneAuditEvents(
  ctx: Pick<KeyshipContext, "db" | "now" | "settings">,
): Promise<number> {
  const cutoff = ctx.now().getTime() - ctx.settings.auditRetentionDays * 86_400_000;
  return await deleteAuditRowsBefore(ctx.db, new Date(cutoff).toISOString());
}
