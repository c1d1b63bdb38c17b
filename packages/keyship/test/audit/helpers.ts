/** Reading the audit rows one request wrote, found by the trace id the test sent with it. */
import { randomBytes } from "node:crypto";
import { expect } from "vitest";
import type { KeyshipApp } from "../../src/app.ts";
import type { AuditEvent } from "../../src/audit/model.ts";
import { toAuditEvent } from "../../src/audit/service.ts";

/** The user agent every audited test request sends. */
export const USER_AGENT = "AuditTest/1.0 (keyship)";

/** A request's source headers: the test's user agent and a fresh trace id. */
export interface Traced {
  readonly traceId: string;
  readonly headers: Record<string, string>;
}

/** A fresh trace id and the headers that carry it. */
export function traced(): Traced {
  const traceId = randomBytes(16).toString("hex");
  return { traceId, headers: { "user-agent": USER_AGENT, "x-trace-id": traceId } };
}

/** The audit rows written under `traceId`, oldest first. */
export async function eventsOf(app: KeyshipApp, traceId: string): Promise<AuditEvent[]> {
  const rows = await app.keyship.db
    .selectFrom("audit_events")
    .selectAll()
    .where("trace_id", "=", traceId)
    .orderBy("at")
    .orderBy("id")
    .execute();
  return rows.map(toAuditEvent);
}

/** An event as `[action, outcome, actorId, targetType, targetId, data]`. */
export type EventSummary = [string, string, string | null, string | null, string | null, object];

/**
 * The rows of `trace`, summarised, after checking that each carries the request's user agent
 * and trace id and no impersonator.
 */
export async function summaryOf(app: KeyshipApp, trace: Traced): Promise<EventSummary[]> {
  const events = await eventsOf(app, trace.traceId);
  for (const event of events) {
    expect(event).toMatchObject({
      userAgent: USER_AGENT,
      traceId: trace.traceId,
      impersonatorId: null,
    });
  }
  return events.map((e) => [e.action, e.outcome, e.actorId, e.targetType, e.targetId, e.data]);
}

/** The raw `data` column of every row of `traceId`, to check nothing secret went in. */
export async function rawDataOf(app: KeyshipApp, traceId: string): Promise<string> {
  const rows = await app.keyship.db
    .selectFrom("audit_events")
    .select("data")
    .where("trace_id", "=", traceId)
    .execute();
  return rows.map((r) => r.data).join("\n");
}
