/**
 * DBSC queries: the key a session registered and its outstanding refresh challenge, and the
 * live state of the session it is bound to.
 * @module
 */
import type { DB, DbscSessionsTable } from "../db/schema.ts";

const COLUMNS = [
  "session_id",
  "user_id",
  "algorithm",
  "public_jwk",
  "jkt",
  "created_at",
  "refreshed_at",
  "challenge_hash",
  "challenge_expires_at",
] as const;

/** Stores a session's key. @returns false when the session registered one before */
export async function insertDbscSession(db: DB, row: DbscSessionsTable): Promise<boolean> {
  const inserted = await db
    .insertInto("dbsc_sessions")
    .values(row)
    .onConflict((oc) => oc.column("session_id").doNothing())
    .returning("session_id")
    .execute();
  return inserted.length === 1;
}

/** The key a session registered, if any. */
export async function findDbscSession(
  db: DB,
  sessionId: string,
): Promise<DbscSessionsTable | undefined> {
  return db
    .selectFrom("dbsc_sessions")
    .select(COLUMNS)
    .where("session_id", "=", sessionId)
    .executeTakeFirst();
}

/** Makes `challengeHash` the session's one outstanding refresh challenge (replacing any). */
export async function setRefreshChallenge(
  db: DB,
  args: { sessionId: string; challengeHash: string; expiresAtIso: string },
): Promise<void> {
  await db
    .updateTable("dbsc_sessions")
    .set({ challenge_hash: args.challengeHash, challenge_expires_at: args.expiresAtIso })
    .where("session_id", "=", args.sessionId)
    .execute();
}

/**
 * Spends the session's refresh challenge: clears it, only if it is `challengeHash` and has not
 * expired. Of two refreshes answering one challenge, exactly one changes the row.
 * @returns rows changed (0 or 1)
 */
export async function spendRefreshChallenge(
  db: DB,
  args: { sessionId: string; challengeHash: string; nowIso: string },
): Promise<number> {
  const result = await db
    .updateTable("dbsc_sessions")
    .set({ challenge_hash: null, challenge_expires_at: null, refreshed_at: args.nowIso })
    .where("session_id", "=", args.sessionId)
    .where("challenge_hash", "=", args.challengeHash)
    .where("challenge_expires_at", ">", args.nowIso)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * The owner of a session that is still live: its current refresh token neither spent nor
 * revoked nor expired, and its user not disabled. Undefined otherwise (the DBSC session ends).
 */
export async function findLiveSessionUser(
  db: DB,
  args: { sessionId: string; nowIso: string },
): Promise<string | undefined> {
  const row = await db
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.user_id")
    .select("users.id as userId")
    .where("sessions.family_id", "=", args.sessionId)
    .where("sessions.rotated_at", "is", null)
    .where("sessions.revoked_at", "is", null)
    .where("sessions.expires_at", ">", args.nowIso)
    .where("users.disabled_at", "is", null)
    .executeTakeFirst();
  return row?.userId;
}
