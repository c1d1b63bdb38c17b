/**
 * Reading users for the admin API: pages with search and filters, one user with every
 * credential and their recent events, and the overview's counts.
 * @module
 */
import { listAuditEvents } from "../audit/service.ts";
import { countAuditActions } from "../audit/store.ts";
import type { KeyshipContext } from "../context.ts";
import { decodeCursor, encodeCursor } from "../db/search.ts";
import { listDevicesOfUser } from "../devices/store.ts";
import { ProblemError } from "../errors.ts";
import { listPasskeysOfUser } from "../passkeys/store.ts";
import { listLiveSessionsOfUser } from "../sessions/store.ts";
import { findUserById } from "../users/store.ts";
import { type AdminUser, type AdminUserDetail, toAdminUser } from "./model.ts";
import { countUserKinds, listUserRows, type UserFilters } from "./store.ts";

/** A page of users and the cursor of the next one (null on the last page). */
export interface AdminUserPage {
  readonly items: AdminUser[];
  readonly nextCursor: string | null;
}

/**
 * One page of users, newest first.
 * @param ctx the database
 * @param filters `q`, `role`, `disabled`
 * @param page `limit` and the `cursor` a previous page returned
 * @throws ProblemError `validation.failed` for a cursor this API did not return
 */
export async function listAdminUsers(
  ctx: Pick<KeyshipContext, "db" | "userFields">,
  filters: UserFilters,
  page: { limit: number; cursor?: string | undefined },
): Promise<AdminUserPage> {
  const key = page.cursor === undefined ? undefined : decodeCursor(page.cursor);
  const after = key === undefined ? undefined : { createdAt: key[0], id: key[1] };
  const search = filters.q?.normalize("NFKC").trim();
  const rows = await listUserRows(
    ctx.db,
    { ...filters, q: search },
    { limit: page.limit + 1, after },
  );
  const items = rows
    .slice(0, page.limit)
    .map((r) => toAdminUser(r, r.last_sign_in_at, ctx.userFields));
  const last = items.at(-1);
  const more = rows.length > page.limit && last !== undefined;
  return { items, nextCursor: more ? encodeCursor([last.createdAt, last.id]) : null };
}

/** The number of a user's newest events shown on their page. */
export const USER_EVENTS_SHOWN = 50;

/**
 * One user as the admin API lists them (with their last sign-in), without their credentials.
 * @throws ProblemError `resource.not_found`
 */
export async function adminUser(
  ctx: Pick<KeyshipContext, "db" | "userFields">,
  userId: string,
): Promise<AdminUser> {
  const [row, signIns] = await Promise.all([
    findUserById(ctx.db, userId),
    listAuditEvents(ctx, { actor: userId, action: "user.signed_in" }, { limit: 1 }),
  ]);
  if (row === undefined) throw new ProblemError("resource.not_found", { detail: "No such user." });
  return toAdminUser(row, signIns.items[0]?.at ?? null, ctx.userFields);
}

/**
 * One user with their passkeys, devices, live sessions and newest events.
 * @throws ProblemError `resource.not_found`
 */
export async function adminUserDetail(
  ctx: Pick<KeyshipContext, "db" | "now" | "userFields">,
  userId: string,
): Promise<AdminUserDetail> {
  const [user, passkeys, devices, sessions, events] = await Promise.all([
    adminUser(ctx, userId),
    listPasskeysOfUser(ctx.db, userId),
    listDevicesOfUser(ctx.db, userId),
    listLiveSessionsOfUser(ctx.db, userId, ctx.now().toISOString()),
    listAuditEvents(ctx, { involving: userId }, { limit: USER_EVENTS_SHOWN }),
  ]);
  return {
    user,
    passkeys: passkeys.map((p) => ({
      id: p.id,
      name: p.name,
      createdAt: p.created_at,
      lastUsedAt: p.last_used_at,
      revokedAt: p.revoked_at,
      backedUp: p.backed_up === 1,
    })),
    devices: devices.map((d) => ({
      id: d.id,
      label: d.label,
      userAgent: d.user_agent,
      createdAt: d.created_at,
      lastSeenAt: d.last_seen_at,
      revokedAt: d.revoked_at,
    })),
    sessions: sessions.map((s) => ({
      id: s.family_id,
      ip: s.ip,
      userAgent: s.user_agent,
      createdAt: s.created_at,
      expiresAt: s.expires_at,
      impersonatorId: s.impersonator_id,
    })),
    events: events.items,
    fieldSchema: ctx.userFields.jsonSchema,
    adminOnlyFields: [...ctx.userFields.adminOnly],
  };
}

/** The console's first page: users by kind and today's sign-ins, failures and sign-ups. */
export interface AdminOverview {
  readonly users: { total: number; admins: number; disabled: number };
  readonly today: { signIns: number; signInFailures: number; signUps: number };
  /** The start of today (UTC) the counts are from. */
  readonly since: string;
}

/** Counts for the overview. */
export async function adminOverview(
  ctx: Pick<KeyshipContext, "db" | "now">,
): Promise<AdminOverview> {
  const since = new Date(ctx.now());
  since.setUTCHours(0, 0, 0, 0);
  const sinceIso = since.toISOString();
  const [users, counts] = await Promise.all([
    countUserKinds(ctx.db),
    countAuditActions(
      ctx.db,
      ["user.signed_in", "user.sign_in_failed", "user.signed_up"],
      sinceIso,
    ),
  ]);
  return {
    users,
    today: {
      signIns: counts["user.signed_in"] ?? 0,
      signInFailures: counts["user.sign_in_failed"] ?? 0,
      signUps: counts["user.signed_up"] ?? 0,
    },
    since: sinceIso,
  };
}
