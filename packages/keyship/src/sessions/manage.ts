/**
 * Listing and ending sessions: one, the caller's own (logout), or all of a user's. Every
 * revocation is recorded in its transaction: one `session.revoked` row per session, with
 * `data.reason`.
 * @module
 */

import type { AuditSource } from "../audit/model.ts";
import { recordAudit } from "../audit/service.ts";
import type { Principal } from "../auth/principal.ts";
import type { KeyshipContext } from "../context.ts";
import type { DB } from "../db/schema.ts";
import { type DevicesContext, revokeDevicesInside, revokeUserDevice } from "../devices/service.ts";
import { ProblemError } from "../errors.ts";
import {
  listLiveSessionsOfUser,
  listUnrevokedFamilies,
  revokeFamily,
  revokeSessionsOfUser,
} from "./store.ts";

/** The context session management needs: devices too, since logout ends either kind. */
export type SessionsContext = KeyshipContext & Pick<DevicesContext, "verifier">;

/** Why a session was revoked: `session.revoked`'s `data.reason`. */
export type SessionRevocationReason =
  | "revoked"
  | "logout"
  | "logout_all"
  | "password_changed"
  | "password_reset"
  | "recovery";

/** Records one `session.revoked` row per session, inside the revocation's transaction. */
async function recordRevocations(
  trx: DB,
  ctx: Pick<KeyshipContext, "now" | "newId">,
  source: AuditSource,
  sessionIds: readonly string[],
  reason: SessionRevocationReason,
): Promise<void> {
  for (const id of sessionIds) {
    await recordAudit(trx, ctx, source, {
      action: "session.revoked",
      targetType: "session",
      targetId: id,
      data: { reason },
    });
  }
}

/** A session as the API shows it. */
export interface SessionView {
  /** The session id (the access token's `sid`), stable across refreshes. */
  readonly id: string;
  readonly ip: string;
  readonly userAgent: string;
  /** When the current refresh token was issued: the sign-in or the last refresh. */
  readonly refreshedAt: string;
  /** When the current refresh token expires unless refreshed. */
  readonly expiresAt: string;
  /** True for the session the request came from. */
  readonly current: boolean;
}

/** Lists the user's live sessions, flagging the calling one. */
export async function listSessions(
  ctx: Pick<KeyshipContext, "db" | "now">,
  userId: string,
  currentSessionId?: string,
): Promise<SessionView[]> {
  const rows = await listLiveSessionsOfUser(ctx.db, userId, ctx.now().toISOString());
  return rows.map((row) => ({
    id: row.family_id,
    ip: row.ip,
    userAgent: row.user_agent,
    refreshedAt: row.created_at,
    expiresAt: row.expires_at,
    current: row.family_id === currentSessionId,
  }));
}

/**
 * Revokes one of the user's sessions: its refresh token stops working and its access tokens
 * are refused from the next request on.
 * @param source who asked, and from where
 * @param target the user, the session and why
 * @throws ProblemError `resource.not_found` when unknown, already revoked or another user's
 */
export async function revokeUserSession(
  ctx: Pick<KeyshipContext, "db" | "now" | "newId" | "sessions">,
  source: AuditSource,
  target: {
    readonly userId: string;
    readonly sessionId: string;
    readonly reason: SessionRevocationReason;
  },
): Promise<void> {
  const { userId, sessionId } = target;
  await ctx.db.transaction().execute(async (trx) => {
    const nowIso = ctx.now().toISOString();
    const changed = await revokeFamily(trx, { familyId: sessionId, userId, nowIso });
    if (changed === 0) throw new ProblemError("resource.not_found");
    await recordRevocations(trx, ctx, source, [sessionId], target.reason);
  });
  ctx.sessions.revocations.revoke([sessionId]);
}

/**
 * Signs the caller out: ends the session (via `session`) or revokes the device (via `device`).
 * @param source who asked, and from where
 * @throws ProblemError `auth.forbidden` for principals that are neither
 */
export async function logout(
  ctx: SessionsContext,
  source: AuditSource,
  principal: Principal,
): Promise<void> {
  const { userId, sessionId, deviceId } = principal;
  if (principal.via === "session" && sessionId !== undefined) {
    // Already revoked elsewhere (another tab logged out): signing out again is not an error.
    await revokeUserSession(ctx, source, { userId, sessionId, reason: "logout" }).catch(
      (error: unknown) => {
        if (!(error instanceof ProblemError && error.code === "resource.not_found")) throw error;
      },
    );
    return;
  }
  if (principal.via === "device" && deviceId !== undefined) {
    await revokeUserDevice(ctx, source, { userId, deviceId, reason: "logout" });
    return;
  }
  throw new ProblemError("auth.forbidden");
}

/**
 * Signs the user out everywhere: every session and every device, the caller's included, in one
 * transaction with their `session.revoked` and `device.revoked` rows (reason `logout_all`).
 * @param source who asked, and from where
 * @returns how many sessions and devices were revoked
 */
export async function logoutEverywhere(
  ctx: SessionsContext,
  source: AuditSource,
  userId: string,
): Promise<{ sessions: number; devices: number }> {
  const revoked = await ctx.db.transaction().execute(async (trx) => {
    const families = await listUnrevokedFamilies(trx, userId);
    await revokeSessionsOfUser(trx, userId, ctx.now().toISOString());
    await recordRevocations(trx, ctx, source, families, "logout_all");
    const devices = await revokeDevicesInside(trx, ctx, source, {
      userId,
      reason: "logout_all",
    });
    return { families, devices };
  });
  ctx.sessions.revocations.revoke(revoked.families);
  ctx.verifier.invalidateUser(userId);
  return { sessions: revoked.families.length, devices: revoked.devices.length };
}

/**
 * Revokes every session of a user (but `exceptSessionId`) inside the caller's transaction,
 * with their `session.revoked` rows: password change and reset use it. The revocation list is
 * updated at once, so access tokens are refused on the next request; if the transaction then
 * rolls back, those sessions stay refused until their access tokens expire (the safe
 * direction).
 * @param ctx the clock, id generator and the session runtime
 */
export function sessionRevoker(ctx: Pick<KeyshipContext, "now" | "newId" | "sessions">): (
  trx: DB,
  userId: string,
  options: {
    readonly exceptSessionId?: string | undefined;
    readonly source: AuditSource;
    readonly reason: SessionRevocationReason;
  },
) => Promise<void> {
  return async (trx, userId, options) => {
    const families = (await listUnrevokedFamilies(trx, userId)).filter(
      (id) => id !== options.exceptSessionId,
    );
    await revokeSessionsOfUser(trx, userId, ctx.now().toISOString(), options.exceptSessionId);
    await recordRevocations(trx, ctx, options.source, families, options.reason);
    ctx.sessions.revocations.revoke(families);
  };
}
