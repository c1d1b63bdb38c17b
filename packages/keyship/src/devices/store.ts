/**
 * Device queries.
 * @module
 */
import { prepared, preparedInsert } from "../db/prepared.ts";
import type { DB, DevicesTable } from "../db/schema.ts";

/** Every column of `devices`. */
const COLUMNS = [
  "id",
  "user_id",
  "public_jwk",
  "label",
  "user_agent",
  "created_at",
  "last_seen_at",
  "revoked_at",
] as const;

/** A device joined with what verification needs of its owner. */
export interface DeviceWithOwner {
  readonly id: string;
  readonly userId: string;
  readonly publicJwk: string;
  readonly role: string;
  readonly scopes: string;
  readonly revokedAt: string | null;
  readonly disabledAt: string | null;
}

/** Inserts a device row (every device-binding sign-in does: a prepared insert). */
export const insertDevice: (db: DB, row: DevicesTable) => Promise<void> = preparedInsert(
  "devices",
  COLUMNS,
);

// Every sign-in that binds a device reads its user's active ones (db/prepared.ts).
const activeDevices = prepared((db, v: { userId: string }) =>
  db
    .selectFrom("devices")
    .select(["id", "created_at", "last_seen_at"])
    .where("user_id", "=", v.userId)
    .where("revoked_at", "is", null),
);

/** Loads a device and its owner's role, scopes and status; undefined when unknown. */
export async function findDeviceWithOwner(
  db: DB,
  id: string,
): Promise<DeviceWithOwner | undefined> {
  return db
    .selectFrom("devices")
    .innerJoin("users", "users.id", "devices.user_id")
    .select([
      "devices.id as id",
      "devices.user_id as userId",
      "devices.public_jwk as publicJwk",
      "users.role as role",
      "users.scopes as scopes",
      "devices.revoked_at as revokedAt",
      "users.disabled_at as disabledAt",
    ])
    .where("devices.id", "=", id)
    .executeTakeFirst();
}

/** Lists a user's devices, newest first. */
export async function listDevicesOfUser(db: DB, userId: string): Promise<DevicesTable[]> {
  return db
    .selectFrom("devices")
    .select(COLUMNS)
    .where("user_id", "=", userId)
    .orderBy("created_at", "desc")
    .orderBy("id")
    .execute();
}

/** Revokes one of the user's active devices. @returns rows changed (0 or 1) */
export async function revokeDevice(
  db: DB,
  id: string,
  userId: string,
  nowIso: string,
): Promise<number> {
  const result = await db
    .updateTable("devices")
    .set({ revoked_at: nowIso })
    .where("id", "=", id)
    .where("user_id", "=", userId)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Revokes every active device of the user except `exceptId`. @returns the revoked ids */
export async function revokeDevicesOfUser(
  db: DB,
  userId: string,
  nowIso: string,
  exceptId?: string,
): Promise<string[]> {
  let query = db
    .updateTable("devices")
    .set({ revoked_at: nowIso })
    .where("user_id", "=", userId)
    .where("revoked_at", "is", null);
  if (exceptId !== undefined) query = query.where("id", "!=", exceptId);
  const rows = await query.returning("id").execute();
  return rows.map((row) => row.id).sort();
}

/**
 * Revokes the user's active devices beyond the `keep` most recently used (last seen, else
 * created), inside the caller's transaction.
 * @returns the revoked devices' ids
 */
export async function revokeDevicesBeyond(
  db: DB,
  userId: string,
  keep: number,
  nowIso: string,
): Promise<string[]> {
  const active = (await activeDevices(db, { userId })).rows;
  if (active.length <= keep) return [];
  const recency = (d: { created_at: string; last_seen_at: string | null }) =>
    d.last_seen_at ?? d.created_at;
  const stale = active
    .sort((a, b) => recency(b).localeCompare(recency(a)) || b.id.localeCompare(a.id))
    .slice(keep)
    .map((d) => d.id);
  await db
    .updateTable("devices")
    .set({ revoked_at: nowIso })
    .where("id", "in", stale)
    .where("revoked_at", "is", null)
    .execute();
  return stale;
}

/** Records that the device was seen. */
export async function touchDevice(db: DB, id: string, nowIso: string): Promise<void> {
  await db.updateTable("devices").set({ last_seen_at: nowIso }).where("id", "=", id).execute();
}
