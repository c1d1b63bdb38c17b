/**
 * Devices: binding a browser key to a user at sign-in, listing and revoking.
 * @module
 */
import type { KeyshipContext } from "../context.ts";
import type { DB } from "../db/schema.ts";
import { ProblemError } from "../errors.ts";
import type { DevicePublicJwk } from "./jwk.ts";
import {
  insertDevice,
  listDevicesOfUser,
  revokeDevice,
  revokeDevicesBeyond,
  revokeDevicesOfUser,
} from "./store.ts";
import type { DeviceTokenVerifier } from "./verifier.ts";

/** The context device services need. */
export type DevicesContext = Pick<KeyshipContext, "db" | "now" | "newId"> & {
  readonly verifier: Pick<DeviceTokenVerifier, "invalidateDevice" | "invalidateUser">;
};

/** What a sign-in binds. */
export interface DeviceBinding {
  readonly userId: string;
  readonly publicJwk: DevicePublicJwk;
  readonly label: string | undefined;
  readonly userAgent: string | undefined;
}

/** A device as the API shows it. */
export interface DeviceView {
  readonly id: string;
  readonly label: string;
  readonly userAgent: string;
  readonly createdAt: string;
  readonly lastSeenAt: string | null;
  readonly revokedAt: string | null;
  readonly current: boolean;
}

/**
 * Stores a new device for the user, inside the caller's transaction. The same browser key used
 * by a second account makes a second row (devices are per user, SECURITY.md). Beyond
 * `maxDevicesPerUser` active devices, the least recently used ones are revoked.
 * @returns the new device id
 */
export async function bindDevice(
  trx: DB,
  ctx: Pick<KeyshipContext, "now" | "newId" | "settings">,
  binding: DeviceBinding,
): Promise<string> {
  const id = ctx.newId("device");
  const nowIso = ctx.now().toISOString();
  await insertDevice(trx, {
    id,
    user_id: binding.userId,
    public_jwk: JSON.stringify(binding.publicJwk),
    label: (binding.label ?? "").trim().slice(0, 100) || "Browser",
    user_agent: (binding.userAgent ?? "").slice(0, 512),
    created_at: nowIso,
    last_seen_at: null,
    revoked_at: null,
  });
  await revokeDevicesBeyond(trx, binding.userId, ctx.settings.maxDevicesPerUser, nowIso);
  return id;
}

/** Lists the user's devices, flagging the calling one. */
export async function listDevices(
  ctx: Pick<KeyshipContext, "db">,
  userId: string,
  currentDeviceId?: string,
): Promise<DeviceView[]> {
  const rows = await listDevicesOfUser(ctx.db, userId);
  return rows.map((row) => ({
    id: row.id,
    label: row.label,
    userAgent: row.user_agent,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    revokedAt: row.revoked_at,
    current: row.id === currentDeviceId,
  }));
}

/**
 * Revokes one of the user's devices; its tokens are refused from the next request on.
 * @throws ProblemError `resource.not_found` when it is unknown, already revoked or another user's
 */
export async function revokeUserDevice(
  ctx: DevicesContext,
  userId: string,
  deviceId: string,
): Promise<void> {
  const changed = await revokeDevice(ctx.db, deviceId, userId, ctx.now().toISOString());
  if (changed === 0) throw new ProblemError("resource.not_found");
  ctx.verifier.invalidateDevice(deviceId);
}

/**
 * Revokes every device of the user except `keepDeviceId`.
 * @returns how many were revoked
 */
export async function revokeOtherDevices(
  ctx: DevicesContext,
  userId: string,
  keepDeviceId?: string,
): Promise<number> {
  const count = await revokeDevicesOfUser(ctx.db, userId, ctx.now().toISOString(), keepDeviceId);
  ctx.verifier.invalidateUser(userId);
  return count;
}
