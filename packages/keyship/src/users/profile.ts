/**
 * A user's profile: the display name and the app-defined fields, read for `GET /auth/me` and
 * `keyship.getUser(c)`, changed by `PATCH /auth/me` and the admin API.
 * @module
 */
import type { AuditSource } from "../audit/model.ts";
import { recordAudit } from "../audit/service.ts";
import type { KeyshipContext } from "../context.ts";
import type { UsersTable } from "../db/schema.ts";
import { ProblemError } from "../errors.ts";
import { type KeyshipUser, mergeFields, type UserFields } from "./fields.ts";
import { toUserView } from "./model.ts";
import { findUserById, updateUserProfile } from "./store.ts";

/** What reading a profile needs. */
export type ProfileReadContext = Pick<KeyshipContext, "db" | "userFields">;

/** What changing a profile needs. */
export type ProfileContext = Pick<KeyshipContext, "db" | "now" | "newId" | "userFields">;

/**
 * A user row as the app reads it: the view and the app-defined fields.
 * @param fields the instance's compiled fields
 * @param row the row
 */
export function toKeyshipUser(fields: UserFields, row: UsersTable): KeyshipUser {
  return { ...fields.read(row.fields), ...toUserView(row) };
}

/**
 * Reads a user with their app-defined fields.
 * @param ctx the database and the compiled fields
 * @param userId the user's id
 * @returns the user, or `undefined` when there is none
 */
export async function readUser(
  ctx: ProfileReadContext,
  userId: string,
): Promise<KeyshipUser | undefined> {
  const row = await findUserById(ctx.db, userId);
  return row === undefined ? undefined : toKeyshipUser(ctx.userFields, row);
}

/** A profile change: the fields present are set, absent ones stay. */
export interface ProfilePatch {
  /** The new display name; `null` removes it. */
  readonly displayName?: string | null | undefined;
  /** App-defined field values, already validated by the route's schema. */
  readonly fields: Readonly<Record<string, unknown>>;
}

/**
 * Changes a user's display name and/or app-defined fields in one transaction with its
 * `user.profile_updated` row (`data.changed`: the names of the members that changed, never
 * their values). Writes nothing when nothing differs.
 * @param ctx the database, clock, ids and compiled fields
 * @param source who changed it (the user, or an admin)
 * @param userId the user's id
 * @param patch `displayName`, `fields`
 * @returns the user after the change
 * @throws ProblemError `resource.not_found` when the user does not exist
 */
export async function updateProfile(
  ctx: ProfileContext,
  source: AuditSource,
  userId: string,
  patch: ProfilePatch,
): Promise<KeyshipUser> {
  const result = await ctx.db.transaction().execute(async (trx) => {
    const row = await findUserById(trx, userId);
    if (row === undefined)
      throw new ProblemError("resource.not_found", { detail: "No such user." });
    const before = ctx.userFields.read(row.fields);
    const changed = Object.keys(patch.fields).filter(
      (name) => JSON.stringify(before[name]) !== JSON.stringify(patch.fields[name]),
    );
    const displayName =
      patch.displayName === undefined ? row.display_name : patch.displayName?.trim() || null;
    if (displayName !== row.display_name) changed.unshift("displayName");
    if (changed.length === 0) return { row, changed };
    const nowIso = ctx.now().toISOString();
    const fields = mergeFields(ctx.userFields, row.fields, patch.fields);
    await updateUserProfile(trx, userId, { display_name: displayName, fields }, nowIso);
    await recordAudit(trx, ctx, source, {
      action: "user.profile_updated",
      targetType: "user",
      targetId: userId,
      data: { changed },
    });
    return { row: { ...row, display_name: displayName, fields, updated_at: nowIso }, changed };
  });
  return toKeyshipUser(ctx.userFields, result.row);
}
