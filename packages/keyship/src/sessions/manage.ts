/**
 * Listing and ending sessions: one, the caller's own (logout), or all of a user's.
 * @module
 */

import type { Principal } from "../auth/principal.ts";
import type { KeyshipContext } from "../context.ts";
import type { DB } from "../db/schema.ts";
import { type DevicesContext, revokeOtherDevices, revokeUserDevice } from "../devices/service.ts";
import { ProblemError } from "../errors.ts";
import {
  listLiveSessionsOfUser,
  listUnrevokedFamilies,
  revokeFamily,
  revokeSessionsOfUser,
} from "./store.ts";

/** The context session management needs: devices too, since logout ends either kind. */
export type SessionsContext = KeyshipContext & Pick<DevicesContext, "verifier">;

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
 * @throws ProblemError `resource.not_found` when unknown, already revoked or another user's
 */
export async function revokeUserSession(
  ctx: Pick<KeyshipContext, "db" | "now" | "sessions">,
  userId: string,
  sessionId: string,
): Promise<void> {
  const nowIso = ctx.now().toISOString();
  const changed = await revokeFamily(ctx.db, { familyId: sessionId, userId, nowIso });
  if (changed === 0) throw new ProblemError("resource.not_found");
  ctx.sessions.revocations.revoke([sessionId]);
}

/**
 * Signs the caller out: ends the session (via `session`) or revokes the device (via `device`).
 * @throws ProblemError `auth.forbidden` for principals that are neither
 */
export async function logout(ctx: SessionsContext, principal: Principal): Promise<void> {
  if (principal.via === "session" && principal.sessionId !== undefined) {
    // Already revoked elsewhere (another tab logged out): signing out again is not an error.
    await revokeUserSession(ctx, principal.userId, principal.sessionId).catch((error: unknown) => {
      if (!(error instanceof ProblemError && error.code === "resource.not_found")) throw error;
    });
    return;
  }
  if (principal.via === "device" && principal.deviceId !== undefined) {
    await revokeUserDevice(ctx, principal.userId, principal.deviceId);
    return;
  }
  throw new ProblemError("auth.forbidden");
}

/**
 * Signs the user out everywhere: every session and every device, the caller's included.
 * @returns how many sessions and devices were revoked
 */
export async function logoutEverywhere(
  ctx: SessionsContext,
  userId: string,
): Promise<{ sessions: number; devices: number }> {
  const nowIso = ctx.now().toISOString();
  const families = await ctx.db.transaction().execute(async (trx) => {
    const ids = await listUnrevokedFamilies(trx, userId);
    await revokeSessionsOfUser(trx, userId, nowIso);
    return ids;
  });
  ctx.sessions.revocations.revoke(families);
  const devices = await revokeOtherDevices(ctx, userId);
  return { sessions: families.length, devices };
}

/**
 * Revokes every session of a user (but `exceptSessionId`) inside the caller's transaction:
 * password change and reset use it. The revocation list is updated at once, so access tokens
 * are refused on the next request; if the transaction then rolls back, those sessions stay
 * refused until their access tokens expire (the safe direction).
 * @param ctx the clock and the session runtime
 */
export function sessionRevoker(
  ctx: Pick<KeyshipContext, "now" | "sessions">,
): (
  trx: DB,
  userId: string,
  options: { readonly exceptSessionId?: string | undefined },
) => Promise<void> {
  return async (trx, userId, options) => {
    const families = (await listUnrevokedFamilies(trx, userId)).filter(
      (id) => id !== options.exceptSessionId,
    );
    await revokeSessionsOfUser(trx, userId, ctx.now().toISOString(), options.exceptSessionId);
    ctx.sessions.revocations.revoke(families);
  };
}
