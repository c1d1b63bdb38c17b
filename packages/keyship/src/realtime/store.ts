/**
 * The queries the socket watch runs on an announced change and once a second: which of the subjects behind open sockets
 * are no longer valid (a disabled user, a revoked device, session or API key).
 * @module
 */
import type { DB } from "../db/schema.ts";

/** The ids behind open sockets, by kind. */
export interface SubjectIds {
  readonly userIds: readonly string[];
  readonly deviceIds: readonly string[];
  readonly sessionIds: readonly string[];
  /** API keys (`principal.keyId` of `via: "apikey"`). */
  readonly keyIds: readonly string[];
}

/** The ids of {@link SubjectIds} that are no longer valid. */
export interface DeadSubjects {
  readonly userIds: ReadonlySet<string>;
  readonly deviceIds: ReadonlySet<string>;
  readonly sessionIds: ReadonlySet<string>;
  readonly keyIds: ReadonlySet<string>;
}

/** Ids of `ids` that are missing from `alive`. */
function missing(ids: readonly string[], alive: readonly { id: string }[]): Set<string> {
  const found = new Set(alive.map((row) => row.id));
  return new Set(ids.filter((id) => !found.has(id)));
}

/**
 * Finds the dead subjects among `ids`: users deleted or disabled, devices revoked or deleted,
 * session families with a revoked row (a session is revoked as a whole), API keys revoked,
 * deleted or expired. One query per kind.
 * @param db the database
 * @param ids the subjects to check
 * @param nowIso the time keys expire against
 */
export async function findDeadSubjects(
  db: DB,
  ids: SubjectIds,
  nowIso: string,
): Promise<DeadSubjects> {
  const [users, devices, revokedSessions, keys] = await Promise.all([
    ids.userIds.length === 0
      ? []
      : db
          .selectFrom("users")
          .select("id")
          .where("id", "in", ids.userIds)
          .where("disabled_at", "is", null)
          .execute(),
    ids.deviceIds.length === 0
      ? []
      : db
          .selectFrom("devices")
          .select("id")
          .where("id", "in", ids.deviceIds)
          .where("revoked_at", "is", null)
          .execute(),
    ids.sessionIds.length === 0
      ? []
      : db
          .selectFrom("sessions")
          .select("family_id as id")
          .distinct()
          .where("family_id", "in", ids.sessionIds)
          .where("revoked_at", "is not", null)
          .execute(),
    ids.keyIds.length === 0
      ? []
      : db
          .selectFrom("api_keys")
          .select("id")
          .where("id", "in", ids.keyIds)
          .where("revoked_at", "is", null)
          .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", nowIso)]))
          .execute(),
  ]);
  return {
    userIds: missing(ids.userIds, users),
    deviceIds: missing(ids.deviceIds, devices),
    sessionIds: new Set(revokedSessions.map((row) => row.id)),
    keyIds: missing(ids.keyIds, keys),
  };
}
