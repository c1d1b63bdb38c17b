/**
 * Revoking credentials from the admin API: one passkey, device or session by id, or every
 * device and session of a user. Each change and its audit rows commit together; caches drop
 * after the commit, so the credential fails on its very next request in this process.
 * @module
 */
import type { AuditSource } from "../audit/model.ts";
import { recordAudit } from "../audit/service.ts";
import { listDevicesOfUser, revokeDevice, revokeDevicesOfUser } from "../devices/store.ts";
import { ProblemError } from "../errors.ts";
import { revokePasskey } from "../passkeys/store.ts";
import { listUnrevokedFamilies, revokeFamily, revokeSessionsOfUser } from "../sessions/store.ts";
import { findUserById } from "../users/store.ts";
import type { AdminContext } from "./model.ts";
import { findOwnerOf, findSessionFamilyOwner } from "./store.ts";

const BY_ADMIN = { by: "admin" } as const;

function notFound(what: string): ProblemError {
  return new ProblemError("resource.not_found", { detail: `No such ${what}.` });
}

/**
 * Revokes a passkey, whoever owns it; revoking a revoked one changes nothing. Unlike a user,
 * an admin may revoke someone's last passkey (a lost or stolen device): the account then needs
 * another way in.
 * @throws ProblemError `resource.not_found`
 */
export async function adminRevokePasskey(
  ctx: AdminContext,
  source: AuditSource,
  id: string,
): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const owner = await findOwnerOf(trx, "passkeys", id);
    if (owner === undefined) throw notFound("passkey");
    const nowIso = ctx.now().toISOString();
    if ((await revokePasskey(trx, { id, userId: owner.userId, nowIso })) === 0) return;
    await recordAudit(trx, ctx, source, {
      action: "passkey.revoked",
      targetType: "passkey",
      targetId: id,
      data: { ...BY_ADMIN, userId: owner.userId },
    });
  });
}

/**
 * Revokes a device, whoever owns it: its tokens fail from the next request on.
 * @throws ProblemError `resource.not_found`
 */
export async function adminRevokeDevice(
  ctx: AdminContext,
  source: AuditSource,
  id: string,
): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const owner = await findOwnerOf(trx, "devices", id);
    if (owner === undefined) throw notFound("device");
    const nowIso = ctx.now().toISOString();
    if ((await revokeDevice(trx, id, owner.userId, nowIso)) === 0) return;
    await recordAudit(trx, ctx, source, {
      action: "device.revoked",
      targetType: "device",
      targetId: id,
      data: { ...BY_ADMIN, userId: owner.userId },
    });
  });
  ctx.devices.invalidateDevice(id);
}

/**
 * Revokes a session (by its id, the family), whoever owns it: its refresh token stops working
 * and its access tokens fail from the next request on.
 * @throws ProblemError `resource.not_found`
 */
export async function adminRevokeSession(
  ctx: AdminContext,
  source: AuditSource,
  id: string,
): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const owner = await findSessionFamilyOwner(trx, id);
    if (owner === undefined) throw notFound("session");
    const nowIso = ctx.now().toISOString();
    if ((await revokeFamily(trx, { familyId: id, nowIso })) === 0) return;
    await recordAudit(trx, ctx, source, {
      action: "session.revoked",
      targetType: "session",
      targetId: id,
      data: { ...BY_ADMIN, userId: owner.userId },
    });
  });
  ctx.sessions.revocations.revoke([id]);
}

/**
 * Revokes every device and session of a user (one audit row per credential).
 * @returns how many devices and sessions were revoked
 * @throws ProblemError `resource.not_found`
 */
export async function adminRevokeEverything(
  ctx: AdminContext,
  source: AuditSource,
  userId: string,
): Promise<{ devices: number; sessions: number }> {
  const families = await ctx.db.transaction().execute(async (trx) => {
    if ((await findUserById(trx, userId)) === undefined) throw notFound("user");
    const nowIso = ctx.now().toISOString();
    const devices = (await listDevicesOfUser(trx, userId)).filter((d) => d.revoked_at === null);
    const sessions = await listUnrevokedFamilies(trx, userId);
    await revokeDevicesOfUser(trx, userId, nowIso);
    await revokeSessionsOfUser(trx, userId, nowIso);
    const revoked = [
      ...devices.map((d) => ["device", "device.revoked", d.id] as const),
      ...sessions.map((id) => ["session", "session.revoked", id] as const),
    ];
    for (const [targetType, action, targetId] of revoked) {
      await recordAudit(trx, ctx, source, {
        action,
        targetType,
        targetId,
        data: { ...BY_ADMIN, userId, all: true },
      });
    }
    return { devices: devices.length, sessions };
  });
  ctx.sessions.revocations.revoke(families.sessions);
  ctx.invalidateUser(userId);
  return { devices: families.devices, sessions: families.sessions.length };
}
