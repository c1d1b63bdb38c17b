/**
 * Session queries. One row per refresh token; a family is one sign-in.
 * @module
 */
import { sql } from "kysely";
import { prepared, preparedInsert } from "../db/prepared.ts";
import type { DB, SessionsTable } from "../db/schema.ts";

const COLUMNS = [
  "id",
  "user_id",
  "family_id",
  "refresh_hash",
  "ip",
  "user_agent",
  "created_at",
  "expires_at",
  "rotated_at",
  "revoked_at",
  "impersonator_id",
  "dpop_jkt",
] as const;

/** A live session's owner, as access-token verification needs it. */
export interface SessionOwner {
  readonly userId: string;
  readonly role: string;
  readonly scopes: string;
  readonly disabledAt: string | null;
  /** The admin acting as the user, on an impersonation session. */
  readonly impersonatorId: string | null;
  /** When the session's current refresh token expires (an impersonation session's end). */
  readonly expiresAt: string;
  /** The session id when a browser bound the session with DBSC (docs/dbsc.md), else null. */
  readonly dbscSessionId: string | null;
}

/** Inserts a session row (every sign-in with a session and every refresh: a prepared insert). */
export const insertSession: (db: DB, row: SessionsTable) => Promise<void> = preparedInsert(
  "sessions",
  COLUMNS,
);

/** Finds the row of a refresh token by its hash (spent and revoked ones included). */
export async function findSessionByRefreshHash(
  db: DB,
  refreshHash: string,
): Promise<SessionsTable | undefined> {
  return db
    .selectFrom("sessions")
    .select(COLUMNS)
    .where("refresh_hash", "=", refreshHash)
    .executeTakeFirst();
}

/**
 * Spends a live refresh token in one statement (`UPDATE … RETURNING`): its row is marked
 * rotated only if it is neither spent, revoked nor expired, its family is unbound or bound to
 * `dpopJkt`, not DBSC-bound unless `dbscSessionId` (the request's valid bound cookie) is the
 * family's, and its user exists and is not disabled. Of two concurrent spends of one token,
 * exactly one gets the row.
 * @param args the token's hash, now (ISO 8601) and the request's verified DPoP key thumbprint
 * @returns the row as it was before the spend (`rotated_at` null), or undefined when nothing
 *   was spent (then {@link findSessionByRefreshHash} tells why)
 */
export async function spendLiveRefreshToken(
  db: DB,
  args: {
    refreshHash: string;
    nowIso: string;
    dpopJkt: string | undefined;
    dbscSessionId: string | undefined;
  },
): Promise<SessionsTable | undefined> {
  const { rows } = await spendLive(db, {
    refreshHash: args.refreshHash,
    nowIso: args.nowIso,
    dpopJkt: args.dpopJkt ?? null,
    dbscSessionId: args.dbscSessionId ?? null,
  });
  const row = rows[0];
  return row === undefined ? undefined : { ...row, rotated_at: null };
}

// One statement for every request: a null DPoP key or DBSC session compares equal to nothing,
// so `dpop_jkt = null` and `family_id = null` drop out of their `or`.
const spendLive = prepared(
  (
    db,
    v: {
      refreshHash: string;
      nowIso: string;
      dpopJkt: string | null;
      dbscSessionId: string | null;
    },
  ) =>
    db
      .updateTable("sessions")
      .set({ rotated_at: v.nowIso })
      .where("refresh_hash", "=", v.refreshHash)
      .where("rotated_at", "is", null)
      .where("revoked_at", "is", null)
      .where("expires_at", ">", v.nowIso)
      .where((eb) => eb.or([eb("dpop_jkt", "is", null), eb("dpop_jkt", "=", v.dpopJkt)]))
      // A DBSC-bound family's token is spent only with its bound cookie (docs/dbsc.md).
      .where((eb) =>
        eb.or([
          eb("family_id", "=", v.dbscSessionId),
          eb.not(
            eb.exists(
              eb
                .selectFrom("dbsc_sessions")
                .select(sql.lit(1).as("one"))
                .whereRef("dbsc_sessions.session_id", "=", "sessions.family_id"),
            ),
          ),
        ]),
      )
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom("users")
            .select(sql.lit(1).as("one"))
            .whereRef("users.id", "=", "sessions.user_id")
            .where("users.disabled_at", "is", null),
        ),
      )
      .returning(COLUMNS),
);

/**
 * Spends a refresh token: marks its row rotated, only if it is neither spent nor revoked.
 * Of two concurrent refreshes with one token, exactly one changes the row.
 * The same for a client's refresh tokens with `table: "client_sessions"` (the same columns).
 * @returns rows changed (0 or 1)
 */
export async function spendSession(
  db: DB,
  id: string,
  nowIso: string,
  table: "sessions" | "client_sessions" = "sessions",
): Promise<number> {
  const result = await db
    .updateTable(table)
    .set({ rotated_at: nowIso })
    .where("id", "=", id)
    .where("rotated_at", "is", null)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Revokes every row of a family (optionally only if it is `userId`'s). @returns rows changed */
export async function revokeFamily(
  db: DB,
  args: { familyId: string; nowIso: string; userId?: string },
): Promise<number> {
  let query = db
    .updateTable("sessions")
    .set({ revoked_at: args.nowIso })
    .where("family_id", "=", args.familyId)
    .where("revoked_at", "is", null);
  if (args.userId !== undefined) query = query.where("user_id", "=", args.userId);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** The ids of the user's families that still have an unrevoked row. */
export async function listUnrevokedFamilies(db: DB, userId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("sessions")
    .select("family_id")
    .distinct()
    .where("user_id", "=", userId)
    .where("revoked_at", "is", null)
    .execute();
  return rows.map((r) => r.family_id);
}

/** Revokes every unrevoked row of the user, except one session's. @returns rows changed */
export async function revokeSessionsOfUser(
  db: DB,
  userId: string,
  nowIso: string,
  exceptFamilyId?: string,
): Promise<number> {
  let query = db
    .updateTable("sessions")
    .set({ revoked_at: nowIso })
    .where("user_id", "=", userId)
    .where("revoked_at", "is", null);
  if (exceptFamilyId !== undefined) query = query.where("family_id", "!=", exceptFamilyId);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** The user's live sessions: the current refresh token of each unrevoked, unexpired family. */
export async function listLiveSessionsOfUser(
  db: DB,
  userId: string,
  nowIso: string,
): Promise<SessionsTable[]> {
  return db
    .selectFrom("sessions")
    .select(COLUMNS)
    .where("user_id", "=", userId)
    .where("rotated_at", "is", null)
    .where("revoked_at", "is", null)
    .where("expires_at", ">", nowIso)
    .orderBy("created_at", "desc")
    .orderBy("id")
    .execute();
}

/** The owner of a family that is not revoked; undefined when revoked or unknown. */
export async function findLiveSessionOwner(
  db: DB,
  familyId: string,
): Promise<SessionOwner | undefined> {
  return db
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.user_id")
    .leftJoin("dbsc_sessions", "dbsc_sessions.session_id", "sessions.family_id")
    .select([
      "users.id as userId",
      "users.role as role",
      "users.scopes as scopes",
      "users.disabled_at as disabledAt",
      "sessions.impersonator_id as impersonatorId",
      "sessions.expires_at as expiresAt",
      "dbsc_sessions.session_id as dbscSessionId",
    ])
    .where("sessions.family_id", "=", familyId)
    .where("sessions.revoked_at", "is", null)
    .limit(1)
    .executeTakeFirst();
}
