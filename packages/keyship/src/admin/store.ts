/**
 * Queries the admin API needs beyond each feature's own store: pages of users with their last
 * sign-in, counts for the overview, credentials by id whoever owns them, and impersonation
 * sessions.
 * @module
 */
import type { DB, SessionsTable, UsersTable } from "../db/schema.ts";
import { anyContains } from "../db/search.ts";

/** Filters of {@link listUserRows}. */
export interface UserFilters {
  /** Text contained (case-insensitive) in the id, email or display name. */
  readonly q?: string | undefined;
  readonly role?: "user" | "admin" | undefined;
  readonly disabled?: boolean | undefined;
}

/** Where a page of users starts: the last row of the page before (newest first). */
export interface UserPosition {
  readonly createdAt: string;
  readonly id: string;
}

/** A user row with the time of their last successful sign-in (from the audit log). */
export type UserRowWithSignIn = UsersTable & { readonly last_sign_in_at: string | null };

/**
 * One page of users, newest first (then by id).
 * @param db the database
 * @param filters search text, role, disabled
 * @param page `limit` rows after `after` (exclusive)
 */
export async function listUserRows(
  db: DB,
  filters: UserFilters,
  page: { limit: number; after?: UserPosition | undefined },
): Promise<UserRowWithSignIn[]> {
  let query = db
    .selectFrom("users")
    .selectAll("users")
    .select((eb) =>
      eb
        .selectFrom("audit_events")
        .select((e) => e.fn.max("audit_events.at").as("at"))
        .whereRef("audit_events.actor_id", "=", "users.id")
        .where("audit_events.action", "=", "user.signed_in")
        .as("last_sign_in_at"),
    );
  const { q, role, disabled } = filters;
  if (q !== undefined && q !== "") {
    query = query.where((eb) =>
      anyContains(eb, ["users.id", "users.email", "users.display_name"], q),
    );
  }
  if (role !== undefined) query = query.where("users.role", "=", role);
  if (disabled !== undefined) {
    query = query.where("users.disabled_at", disabled ? "is not" : "is", null);
  }
  const after = page.after;
  if (after !== undefined) {
    query = query.where((eb) =>
      eb.or([
        eb("users.created_at", "<", after.createdAt),
        eb.and([eb("users.created_at", "=", after.createdAt), eb("users.id", "<", after.id)]),
      ]),
    );
  }
  const rows = await query
    .orderBy("users.created_at", "desc")
    .orderBy("users.id", "desc")
    .limit(page.limit)
    .execute();
  return rows as UserRowWithSignIn[];
}

/** Counts of the overview: all users, active admins, disabled users. */
export async function countUserKinds(
  db: DB,
): Promise<{ total: number; admins: number; disabled: number }> {
  const row = await db
    .selectFrom("users")
    .select((eb) => [
      eb.fn.countAll<number | string | bigint>().as("total"),
      eb.fn
        .count<number | string | bigint>(
          eb
            .case()
            .when(eb.and([eb("role", "=", "admin"), eb("disabled_at", "is", null)]))
            .then(1)
            .end(),
        )
        .as("admins"),
      eb.fn
        .count<number | string | bigint>(
          eb.case().when("disabled_at", "is not", null).then(1).end(),
        )
        .as("disabled"),
    ])
    .executeTakeFirstOrThrow();
  return { total: Number(row.total), admins: Number(row.admins), disabled: Number(row.disabled) };
}

/** The owner of a passkey, device or session family; undefined when there is none. */
export async function findOwnerOf(
  db: DB,
  kind: "passkeys" | "devices",
  id: string,
): Promise<{ userId: string; revokedAt: string | null } | undefined> {
  return await db
    .selectFrom(kind)
    .select(["user_id as userId", "revoked_at as revokedAt"])
    .where("id", "=", id)
    .executeTakeFirst();
}

/** The owner of a session family (its first row), whatever its state. */
export async function findSessionFamilyOwner(
  db: DB,
  familyId: string,
): Promise<{ userId: string } | undefined> {
  return await db
    .selectFrom("sessions")
    .select("user_id as userId")
    .where("family_id", "=", familyId)
    .limit(1)
    .executeTakeFirst();
}

/** The live impersonation sessions an admin started, newest first. */
export async function listImpersonationsBy(
  db: DB,
  impersonatorId: string,
  nowIso: string,
): Promise<Array<SessionsTable & { email: string | null; display_name: string | null }>> {
  return await db
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.user_id")
    .selectAll("sessions")
    .select(["users.email", "users.display_name"])
    .where("sessions.impersonator_id", "=", impersonatorId)
    .where("sessions.revoked_at", "is", null)
    .where("sessions.expires_at", ">", nowIso)
    .orderBy("sessions.created_at", "desc")
    .execute();
}
