/**
 * Queries over `users`. Plain functions over a {@link DB}; a transaction is a `DB` too, so
 * services pass theirs down unchanged. "Not found" is `undefined`, never an error.
 * @module
 */
import type { DB, UsersTable } from "../db/schema.ts";
import { anyContains } from "../db/search.ts";
import type { Role } from "./model.ts";

const USER_COLUMNS = [
  "id",
  "email",
  "display_name",
  "role",
  "scopes",
  "password_hash",
  "email_verified_at",
  "disabled_at",
  "created_at",
  "updated_at",
  "fields",
] as const satisfies readonly (keyof UsersTable)[];

/** Arguments of {@link listUsers}. */
export interface ListUsersArgs {
  /** At most this many rows. */
  readonly limit: number;
  /** Rows to skip, for paging. */
  readonly offset: number;
  /** Keep users whose id, email or display name contains this text (case-insensitive). */
  readonly search?: string | undefined;
}

/**
 * Inserts one user row.
 * @param db the database or a transaction
 * @param row every column; `email` already normalized, `scopes` already serialized
 * @throws the driver's unique-violation error when the email is taken (translate it in the
 *   service)
 * @example await insertUser(trx, { id: newId("user"), email: "ada@example.com", … });
 */
export async function insertUser(db: DB, row: UsersTable): Promise<void> {
  await db
    .insertInto("users")
    .values({
      id: row.id,
      email: row.email,
      display_name: row.display_name,
      role: row.role,
      scopes: row.scopes,
      password_hash: row.password_hash,
      email_verified_at: row.email_verified_at,
      disabled_at: row.disabled_at,
      created_at: row.created_at,
      updated_at: row.updated_at,
      fields: row.fields,
    })
    .execute();
}

/**
 * Finds a user by id.
 * @param db the database or a transaction
 * @param id a user id (`u…`)
 * @returns the row, or `undefined` when there is none
 * @example const row = await findUserById(db, "u4k2…");
 */
export async function findUserById(db: DB, id: string): Promise<UsersTable | undefined> {
  return await db.selectFrom("users").select(USER_COLUMNS).where("id", "=", id).executeTakeFirst();
}

/**
 * Finds a user by email.
 * @param db the database or a transaction
 * @param normalizedEmail an address already passed through `normalizeEmail()`
 * @returns the row, or `undefined` when there is none
 * @example const row = await findUserByEmail(db, normalizeEmail(input));
 */
export async function findUserByEmail(
  db: DB,
  normalizedEmail: string,
): Promise<UsersTable | undefined> {
  return await db
    .selectFrom("users")
    .select(USER_COLUMNS)
    .where("email", "=", normalizedEmail)
    .executeTakeFirst();
}

/**
 * Lists users, oldest first (then by id, so pages are stable).
 * @param db the database or a transaction
 * @param args `limit`, `offset` and an optional `search` text
 * @example const page = await listUsers(db, { limit: 50, offset: 0, search: "example.com" });
 */
export async function listUsers(db: DB, args: ListUsersArgs): Promise<UsersTable[]> {
  let query = db.selectFrom("users").select(USER_COLUMNS);
  const search = args.search;
  if (search !== undefined && search !== "") {
    query = query.where((eb) => anyContains(eb, ["id", "email", "display_name"], search));
  }
  return await query
    .orderBy("created_at", "asc")
    .orderBy("id", "asc")
    .limit(args.limit)
    .offset(args.offset)
    .execute();
}

/**
 * Counts every user.
 * @param db the database or a transaction
 * @example const total = await countUsers(db);
 */
export async function countUsers(db: DB): Promise<number> {
  const row = await db
    .selectFrom("users")
    .select((eb) => eb.fn.countAll<number | string | bigint>().as("count"))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/**
 * Counts the active (not disabled) admins. With `lock`, PostgreSQL locks their rows until the
 * transaction ends, so two concurrent demotions cannot both see "another admin is left".
 * SQLite serialises writing transactions on its own.
 * @param db a transaction
 * @param lock lock the rows (PostgreSQL only: SQLite has no `FOR UPDATE`)
 */
export async function countActiveAdmins(db: DB, lock: boolean): Promise<number> {
  let query = db
    .selectFrom("users")
    .select("id")
    .where("role", "=", "admin")
    .where("disabled_at", "is", null);
  if (lock) query = query.forUpdate();
  return (await query.execute()).length;
}

/**
 * Sets a user's role.
 * @param db the database or a transaction
 * @param id the user's id
 * @param role the new role
 * @param nowIso the time of the change, stored in `updated_at`
 * @returns how many rows changed: 1, or 0 when the user does not exist
 * @example await updateUserRole(trx, id, "admin", now.toISOString());
 */
export async function updateUserRole(
  db: DB,
  id: string,
  role: Role,
  nowIso: string,
): Promise<number> {
  const result = await db
    .updateTable("users")
    .set({ role, updated_at: nowIso })
    .where("id", "=", id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Replaces a user's scopes.
 * @param db the database or a transaction
 * @param id the user's id
 * @param scopesJson the new list, already passed through `serializeScopes()`
 * @param nowIso the time of the change, stored in `updated_at`
 * @returns how many rows changed: 1, or 0 when the user does not exist
 * @example await updateUserScopes(trx, id, serializeScopes(["docs/read"]), nowIso);
 */
export async function updateUserScopes(
  db: DB,
  id: string,
  scopesJson: string,
  nowIso: string,
): Promise<number> {
  const result = await db
    .updateTable("users")
    .set({ scopes: scopesJson, updated_at: nowIso })
    .where("id", "=", id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Disables a user (a time) or enables them again (`null`).
 * @param db the database or a transaction
 * @param id the user's id
 * @param disabledAtIso when the account was disabled, or `null` to enable it
 * @param nowIso the time of the change, stored in `updated_at`
 * @returns how many rows changed: 1, or 0 when the user does not exist
 * @example await setUserDisabled(trx, id, nowIso, nowIso);
 */
export async function setUserDisabled(
  db: DB,
  id: string,
  disabledAtIso: string | null,
  nowIso: string,
): Promise<number> {
  const result = await db
    .updateTable("users")
    .set({ disabled_at: disabledAtIso, updated_at: nowIso })
    .where("id", "=", id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Sets a user's email address, verified at `verifiedAtIso` (or unverified with `null`).
 * @param db the database or a transaction
 * @param args the user, the normalised new address, when it was verified, and the time
 * @returns how many rows changed: 1, or 0 when the user does not exist
 * @throws the database's unique violation when another account has the address
 * @example await updateUserEmail(trx, { userId, email, verifiedAtIso: nowIso, nowIso });
 */
export async function updateUserEmail(
  db: DB,
  args: { userId: string; email: string; verifiedAtIso: string | null; nowIso: string },
): Promise<number> {
  const result = await db
    .updateTable("users")
    .set({ email: args.email, email_verified_at: args.verifiedAtIso, updated_at: args.nowIso })
    .where("id", "=", args.userId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** The profile columns {@link updateUserProfile} changes; absent ones stay. */
export interface ProfileColumns {
  readonly display_name?: string | null;
  /** The complete new `fields` object, already serialized. */
  readonly fields?: string;
}

/**
 * Sets a user's display name and/or app-defined fields.
 * @param db the database or a transaction
 * @param id the user's id
 * @param columns `display_name`, `fields` (absent ones stay)
 * @param nowIso the time of the change, stored in `updated_at`
 * @returns how many rows changed: 1, or 0 when the user does not exist
 * @example await updateUserProfile(trx, id, { fields: '{"fullName":"Ada"}' }, nowIso);
 */
export async function updateUserProfile(
  db: DB,
  id: string,
  columns: ProfileColumns,
  nowIso: string,
): Promise<number> {
  const result = await db
    .updateTable("users")
    .set({ ...columns, updated_at: nowIso })
    .where("id", "=", id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Deletes a user row. Every table that references `users.id` does so with `ON DELETE
 * CASCADE`, so the user's passkeys, devices, sessions, challenges, emailed tokens, step-ups
 * and API keys go with it, in the caller's transaction.
 * @param db a transaction
 * @param id the user's id
 * @returns how many rows were deleted: 1, or 0 when the user does not exist
 * @example await deleteUserRow(trx, id);
 */
export async function deleteUserRow(db: DB, id: string): Promise<number> {
  const result = await db.deleteFrom("users").where("id", "=", id).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** The ids of everything a user owns that the audit log may name, by kind. */
export interface OwnedIds {
  readonly passkeys: string[];
  readonly devices: string[];
  /** Session ids (refresh families), revoked ones included. */
  readonly sessions: string[];
  readonly apiKeys: string[];
}

/**
 * The ids of a user's passkeys, devices, sessions and API keys, revoked ones included.
 * @param db the deletion's transaction
 * @param userId the user's id
 * @example const owned = await listOwnedIds(trx, id);
 */
export async function listOwnedIds(db: DB, userId: string): Promise<OwnedIds> {
  // One after the other: a transaction is one connection.
  const passkeys = await db
    .selectFrom("passkeys")
    .select("id")
    .where("user_id", "=", userId)
    .execute();
  const devices = await db
    .selectFrom("devices")
    .select("id")
    .where("user_id", "=", userId)
    .execute();
  const sessions = await db
    .selectFrom("sessions")
    .select("family_id as id")
    .distinct()
    .where("user_id", "=", userId)
    .execute();
  const apiKeys = await db
    .selectFrom("api_keys")
    .select("id")
    .where("user_id", "=", userId)
    .execute();
  const ids = (rows: { id: string }[]) => rows.map((r) => r.id);
  return {
    passkeys: ids(passkeys),
    devices: ids(devices),
    sessions: ids(sessions),
    apiKeys: ids(apiKeys),
  };
}

/**
 * Deletes the impersonation sessions an admin started (rows of other users that name the
 * admin in `impersonator_id`, which has no foreign key).
 * @param db the deletion's transaction
 * @param impersonatorId the admin's id
 * @returns the session ids (families) deleted
 */
export async function deleteSessionsStartedBy(db: DB, impersonatorId: string): Promise<string[]> {
  const rows = await db
    .deleteFrom("sessions")
    .where("impersonator_id", "=", impersonatorId)
    .returning("family_id")
    .execute();
  return [...new Set(rows.map((r) => r.family_id))];
}
