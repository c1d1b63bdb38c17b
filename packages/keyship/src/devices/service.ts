/**
 * Devices: binding a browser key to a user at sign-in, listing and revoking. Every bind and
 * revocation is recorded in the audit log in its transaction: `device.bound`, and one
 * `device.revoked` row per device (with `data.reason`).
 * @module
 */
import type { AuditSource } from "../audit/model.ts";
import { recordAudit } from "../audit/service.ts";
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
import { describeUserAgent } from "./user-agent.ts";
import type { DeviceTokenVerifier } from "./verifier.ts";

/** The context device services need. */
export type DevicesContext = Pick<KeyshipContext, "db" | "now" | "newId"> & {
  readonly verifier: Pick<DeviceTokenVerifier, "invalidateDevice" | "invalidateUser">;
};

/** Why a device was revoked: `device.revoked`'s `data.reason`. */
export type DeviceRevocationReason =
  | "revoked"
  | "revoke_others"
  | "logout"
  | "logout_all"
  | "password_changed"
  | "password_reset"
  | "device_limit"
  | "recovery";

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

/** Records one `device.revoked` row per device, inside the revocation's transaction. */
async function recordRevocations(
  trx: DB,
  ctx: Pick<KeyshipContext, "now" | "newId">,
  source: AuditSource,
  deviceIds: readonly string[],
  reason: DeviceRevocationReason,
): Promise<void> {
  for (const id of deviceIds) {
    await recordAudit(trx, ctx, source, {
      action: "device.revoked",
      targetType: "device",
      targetId: id,
      data: { reason },
    });
  }
}

/**
 * Stores a new device for the user, inside the caller's transaction, and records
 * `device.bound` (the user as actor). The same browser key used by a second account makes a
 * second row (devices are per user, SECURITY.md). Beyond `maxDevicesPerUser` active devices,
 * the least recently used ones are revoked (`device.revoked`, reason `device_limit`).
 * @param source where the sign-in came from
 * @returns the new device id, and the devices revoked past the limit (announce them once the
 *   transaction committed)
 */
export async function bindDevice(
  trx: DB,
  ctx: Pick<KeyshipContext, "now" | "newId" | "settings">,
  source: AuditSource,
  binding: DeviceBinding,
): Promise<{ readonly deviceId: string; readonly evicted: readonly string[] }> {
  const id = ctx.newId("device");
  const nowIso = ctx.now().toISOString();
  const label =
    (binding.label ?? "").trim().slice(0, 100) || describeUserAgent(binding.userAgent) || "Browser";
  await insertDevice(trx, {
    id,
    user_id: binding.userId,
    public_jwk: JSON.stringify(binding.publicJwk),
    label,
    user_agent: (binding.userAgent ?? "").slice(0, 512),
    created_at: nowIso,
    last_seen_at: null,
    revoked_at: null,
  });
  const asUser = { ...source, actorId: binding.userId };
  await recordAudit(trx, ctx, asUser, {
    action: "device.bound",
    targetType: "device",
    targetId: id,
    data: { label },
  });
  const stale = await revokeDevicesBeyond(
    trx,
    binding.userId,
    ctx.settings.maxDevicesPerUser,
    nowIso,
  );
  await recordRevocations(trx, ctx, asUser, stale, "device_limit");
  return { deviceId: id, evicted: stale };
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

/** Which devices of a user to revoke, and why. */
export interface DeviceRevocation {
  readonly userId: string;
  /** The device to keep (the caller's), if any. */
  readonly keepDeviceId?: string | undefined;
  readonly reason: DeviceRevocationReason;
}

/**
 * Revokes the user's active devices (but `keepDeviceId`) inside the caller's transaction, with
 * a `device.revoked` row each. The caller clears the verifier's cache after commit
 * (`verifier.invalidateUser`).
 * @returns the revoked devices' ids
 */
export async function revokeDevicesInside(
  trx: DB,
  ctx: Pick<KeyshipContext, "now" | "newId">,
  source: AuditSource,
  revocation: DeviceRevocation,
): Promise<string[]> {
  const ids = await revokeDevicesOfUser(
    trx,
    revocation.userId,
    ctx.now().toISOString(),
    revocation.keepDeviceId,
  );
  await recordRevocations(trx, ctx, source, ids, revocation.reason);
  return ids;
}

/**
 * Revokes one of the user's devices, with its `device.revoked` row; its tokens are refused from
 * the next request on.
 * @param source who asked, and from where
 * @param target the user, the device and why
 * @throws ProblemError `resource.not_found` when it is unknown, already revoked or another user's
 */
export async function revokeUserDevice(
  ctx: DevicesContext,
  source: AuditSource,
  target: {
    readonly userId: string;
    readonly deviceId: string;
    readonly reason: DeviceRevocationReason;
  },
): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const changed = await revokeDevice(
      trx,
      target.deviceId,
      target.userId,
      ctx.now().toISOString(),
    );
    if (changed === 0) throw new ProblemError("resource.not_found");
    await recordRevocations(trx, ctx, source, [target.deviceId], target.reason);
  });
  ctx.verifier.invalidateDevice(target.deviceId);
}

/**
 * Revokes every device of the user except `keepDeviceId`, one `device.revoked` row each.
 * @param source who asked, and from where
 * @returns how many were revoked
 */
export async function revokeOtherDevices(
  ctx: DevicesContext,
  source: AuditSource,
  revocation: DeviceRevocation,
): Promise<number> {
  const ids = await ctx.db
    .transaction()
    .execute((trx) => revokeDevicesInside(trx, ctx, source, revocation));
  ctx.verifier.invalidateUser(revocation.userId);
  return ids.length;
}
