/**
 * Impersonation: an admin acts as a user for support work, through a server-issued session
 * marked with the admin's id. It lasts {@link IMPERSONATION_SECONDS} at most, has no refresh
 * token, cannot step up, and every audit row it causes names both the user and the admin.
 * @module
 */
import type { AuditSource } from "../audit/model.ts";
import { recordAudit } from "../audit/service.ts";
import { ProblemError } from "../errors.ts";
import { storeRefreshToken } from "../sessions/issue.ts";
import { revokeFamily } from "../sessions/store.ts";
import { findUserById } from "../users/store.ts";
import { type AdminContext, type AdminUser, toAdminUser } from "./model.ts";
import { listImpersonationsBy } from "./store.ts";

/** How long an impersonation session lasts: 15 minutes. */
export const IMPERSONATION_SECONDS = 900;

/** A started impersonation: the bearer access token that acts as the user. */
export interface StartedImpersonation {
  readonly sessionId: string;
  readonly accessToken: string;
  readonly tokenType: "Bearer";
  readonly expiresIn: number;
  readonly expiresAt: string;
  readonly user: AdminUser;
}

/**
 * Starts impersonating a user.
 * @param ctx the instance
 * @param source the admin's request (its actor is the admin)
 * @param userId whom to act as
 * @throws ProblemError `resource.not_found`; `admin.cannot_impersonate` (403) for an admin or a
 *   disabled user
 */
export async function startImpersonation(
  ctx: AdminContext,
  source: AuditSource,
  userId: string,
): Promise<StartedImpersonation> {
  const adminId = source.actorId;
  if (adminId === null) throw new ProblemError("auth.unauthenticated");
  const now = ctx.now();
  const expiresAt = new Date(now.getTime() + IMPERSONATION_SECONDS * 1000);
  const started = await ctx.db.transaction().execute(async (trx) => {
    const user = await findUserById(trx, userId);
    if (user === undefined)
      throw new ProblemError("resource.not_found", { detail: "No such user." });
    if (user.role === "admin" || user.disabled_at !== null) {
      const detail =
        user.role === "admin" ? "Admins cannot be impersonated." : "The user is disabled.";
      throw new ProblemError("admin.cannot_impersonate", { detail });
    }
    const client = { ip: source.ip ?? undefined, userAgent: source.userAgent ?? undefined };
    // The refresh token is never handed out: the session ends with its one access token.
    const { sessionId } = await storeRefreshToken(trx, ctx, {
      userId,
      client,
      impersonatorId: adminId,
      expiresAt,
    });
    await recordAudit(trx, ctx, source, {
      action: "admin.impersonation_started",
      targetType: "user",
      targetId: userId,
      data: { sessionId, expiresAt: expiresAt.toISOString() },
    });
    return { sessionId, user: toAdminUser(user, null, ctx.userFields) };
  });
  const access = await ctx.sessions.issuer.issueAccess(userId, { sid: started.sessionId });
  return {
    sessionId: started.sessionId,
    accessToken: access.token,
    tokenType: "Bearer",
    expiresIn: Math.min(access.expiresIn, IMPERSONATION_SECONDS),
    expiresAt: expiresAt.toISOString(),
    user: started.user,
  };
}

/** An admin's live impersonation, for the console's banner. */
export interface ActiveImpersonation {
  readonly sessionId: string;
  readonly userId: string;
  readonly email: string | null;
  readonly displayName: string | null;
  readonly expiresAt: string;
}

/** The live impersonation sessions `adminId` started, newest first. */
export async function listImpersonations(
  ctx: Pick<AdminContext, "db" | "now">,
  adminId: string,
): Promise<ActiveImpersonation[]> {
  const rows = await listImpersonationsBy(ctx.db, adminId, ctx.now().toISOString());
  return rows.map((r) => ({
    sessionId: r.family_id,
    userId: r.user_id,
    email: r.email,
    displayName: r.display_name,
    expiresAt: r.expires_at,
  }));
}

/**
 * Ends the admin's impersonation sessions (all of them, or only `sessionId`): their tokens fail
 * from the next request on.
 * @returns how many ended
 */
export async function stopImpersonation(
  ctx: AdminContext,
  source: AuditSource,
  sessionId?: string,
): Promise<number> {
  const adminId = source.actorId;
  if (adminId === null) throw new ProblemError("auth.unauthenticated");
  const ended = await ctx.db.transaction().execute(async (trx) => {
    const nowIso = ctx.now().toISOString();
    const live = (await listImpersonationsBy(trx, adminId, nowIso)).filter(
      (r) => sessionId === undefined || r.family_id === sessionId,
    );
    for (const row of live) {
      await revokeFamily(trx, { familyId: row.family_id, nowIso });
      await recordAudit(trx, ctx, source, {
        action: "admin.impersonation_ended",
        targetType: "user",
        targetId: row.user_id,
        data: { sessionId: row.family_id },
      });
    }
    return live.map((r) => r.family_id);
  });
  ctx.sessions.revocations.revoke(ended);
  return ended.length;
}
