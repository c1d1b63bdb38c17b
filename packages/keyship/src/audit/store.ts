/**
 * Queries over `audit_events`. Rows are inserted and, past the retention, deleted; the one
 * update is the erasure of a deleted user's personal data (`audit/erasure.ts`).
 * @module
 */
import { preparedInsert } from "../db/prepared.ts";
import type { AuditEventsTable, DB } from "../db/schema.ts";
import { anyContains } from "../db/search.ts";

/** Filters of {@link listAuditRows}; every one is optional and they combine with AND. */
export interface AuditFilters {
  /** The actor or the impersonator is this user. */
  readonly actor?: string | undefined;
  /** An exact action, or a prefix ending in `.*` (`passkey.*`). */
  readonly action?: string | undefined;
  /** The target's id. */
  readonly target?: string | undefined;
  /** The actor, the impersonator or the target is this id (a user's whole history). */
  readonly involving?: string | undefined;
  readonly outcome?: "success" | "failure" | undefined;
  /** At or after this instant (ISO-8601). */
  readonly from?: string | undefined;
  /** Before this instant (ISO-8601). */
  readonly to?: string | undefined;
  /** Text contained (case-insensitive) in the action, ids, IP, user agent or data. */
  readonly q?: string | undefined;
}

/** Where a page starts: the last row of the page before (newest first). */
export interface AuditPosition {
  readonly at: string;
  readonly id: string;
}

/** Inserts one event (every security event writes one: a prepared insert, db/prepared.ts). */
export const insertAuditRow: (db: DB, row: AuditEventsTable) => Promise<void> = preparedInsert(
  "audit_events",
  [
    "id",
    "at",
    "action",
    "outcome",
    "actor_id",
    "impersonator_id",
    "target_type",
    "target_id",
    "ip",
    "user_agent",
    "trace_id",
    "data",
  ],
);

/**
 * One page of events, newest first (then by id, so pages are stable).
 * @param db the database
 * @param filters what to keep
 * @param page `limit` rows after `after` (exclusive)
 */
export async function listAuditRows(
  db: DB,
  filters: AuditFilters,
  page: { limit: number; after?: AuditPosition | undefined },
): Promise<AuditEventsTable[]> {
  let query = db.selectFrom("audit_events").selectAll();
  const { actor, action, target, outcome, from, to, q } = filters;
  if (actor !== undefined) {
    query = query.where((eb) =>
      eb.or([eb("actor_id", "=", actor), eb("impersonator_id", "=", actor)]),
    );
  }
  if (action !== undefined) {
    query = action.endsWith(".*")
      ? query.where("action", "like", `${action.slice(0, -1).replace(/[\\%_]/g, "\\$&")}%`)
      : query.where("action", "=", action);
  }
  if (target !== undefined) query = query.where("target_id", "=", target);
  const involving = filters.involving;
  if (involving !== undefined) {
    query = query.where((eb) =>
      eb.or([
        eb("actor_id", "=", involving),
        eb("impersonator_id", "=", involving),
        eb("target_id", "=", involving),
      ]),
    );
  }
  if (outcome !== undefined) query = query.where("outcome", "=", outcome);
  if (from !== undefined) query = query.where("at", ">=", from);
  if (to !== undefined) query = query.where("at", "<", to);
  if (q !== undefined && q !== "") {
    query = query.where((eb) =>
      anyContains(eb, ["action", "actor_id", "target_id", "ip", "user_agent", "data"], q),
    );
  }
  const after = page.after;
  if (after !== undefined) {
    query = query.where((eb) =>
      eb.or([eb("at", "<", after.at), eb.and([eb("at", "=", after.at), eb("id", "<", after.id)])]),
    );
  }
  return await query.orderBy("at", "desc").orderBy("id", "desc").limit(page.limit).execute();
}

/**
 * Counts events of `actions` at or after `sinceIso`, per action.
 * @returns a count for each action that occurred
 */
export async function countAuditActions(
  db: DB,
  actions: readonly string[],
  sinceIso: string,
): Promise<Record<string, number>> {
  if (actions.length === 0) return {};
  const rows = await db
    .selectFrom("audit_events")
    .select(["action", (eb) => eb.fn.countAll<number | string | bigint>().as("n")])
    .where("action", "in", actions)
    .where("at", ">=", sinceIso)
    .groupBy("action")
    .execute();
  return Object.fromEntries(rows.map((r) => [r.action, Number(r.n)]));
}

/**
 * Deletes events older than `beforeIso` (the retention).
 * @returns how many rows went
 */
export async function deleteAuditRowsBefore(db: DB, beforeIso: string): Promise<number> {
  const result = await db.deleteFrom("audit_events").where("at", "<", beforeIso).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Clears the IP address and user agent of every row a user caused (the erasure of a deleted
 * user, docs/audit.md).
 * @param db the deletion's transaction
 * @param actorId the deleted user's id
 * @returns how many rows changed
 */
export async function clearActorSource(db: DB, actorId: string): Promise<number> {
  const result = await db
    .updateTable("audit_events")
    .set({ ip: null, user_agent: null })
    .where("actor_id", "=", actorId)
    .where((eb) => eb.or([eb("ip", "is not", null), eb("user_agent", "is not", null)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * The `data` of every row caused by `actorId` or about one of `targetIds`.
 * @param db the database or a transaction
 * @param actorId a user id
 * @param targetIds ids of things (the user, their credentials); at most 500
 */
export async function listAuditDataOf(
  db: DB,
  actorId: string,
  targetIds: readonly string[],
): Promise<Array<Pick<AuditEventsTable, "id" | "data">>> {
  return await db
    .selectFrom("audit_events")
    .select(["id", "data"])
    .where((eb) =>
      eb.or([
        eb("actor_id", "=", actorId),
        ...(targetIds.length === 0 ? [] : [eb("target_id", "in", targetIds)]),
      ]),
    )
    .execute();
}

/**
 * Replaces one row's `data` (the erasure of a deleted user's personal data only).
 * @param db the deletion's transaction
 * @param id the row's id
 * @param data the new JSON text
 */
export async function replaceAuditData(db: DB, id: string, data: string): Promise<void> {
  await db.updateTable("audit_events").set({ data }).where("id", "=", id).execute();
}
