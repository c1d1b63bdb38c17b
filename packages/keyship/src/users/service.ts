/**
 * Managing users: listing, roles, scopes, disabling. Used by the `keyship users` CLI and the
 * admin API. Every change reads and writes in one transaction.
 * @module
 */
import type { AuditEventInput, AuditSource } from "../audit/model.ts";
import { recordAudit } from "../audit/service.ts";
import type { KeyshipContext } from "../context.ts";
import type { DB, UsersTable } from "../db/schema.ts";
import { ProblemError } from "../errors.ts";
import { isId, newId } from "../ids.ts";
import {
  normalizeEmail,
  parseScopes,
  type Role,
  scopesFromInput,
  serializeScopes,
  toUserView,
  type UserView,
} from "./model.ts";
import {
  countActiveAdmins,
  findUserByEmail,
  findUserById,
  listUsers,
  setUserDisabled,
  updateUserRole,
  updateUserScopes,
} from "./store.ts";

/** What the read-only user functions need from {@link KeyshipContext}. */
export type UsersReadContext = Pick<KeyshipContext, "db">;

/** What the user-changing functions need from {@link KeyshipContext}. */
export type UsersContext = Pick<KeyshipContext, "db" | "now"> &
  Partial<Pick<KeyshipContext, "dialect" | "newId">>;

/** Options of every user-changing function. */
export interface UserChangeOptions {
  /**
   * Called with the user's id after a change was committed (not when nothing changed). The
   * server uses it to invalidate its cache of authenticated principals. An error it throws
   * propagates to the caller; the change is already committed.
   * @default no hook
   */
  readonly onUserChanged?: (userId: string) => void;
  /**
   * Who made the change (the admin's request, or `CLI_SOURCE`): a change is recorded in the
   * audit log in its own transaction (`user.role_changed`, `user.scopes_changed`,
   * `user.disabled`, `user.enabled`).
   * @default not audited
   */
  readonly audit?: AuditSource;
}

/** The outcome of a user-changing function. */
export interface UserChange {
  /** The user after the call. */
  readonly user: UserView;
  /** False when the user was already in the requested state and nothing was written. */
  readonly changed: boolean;
}

/** Arguments of {@link listUserViews}. */
export interface ListUserViewsArgs {
  /** At most this many users, 1 to {@link MAX_LIST_LIMIT}. */
  readonly limit: number;
  /** Users to skip, for paging; 0 or more. */
  readonly offset: number;
  /** Keep users whose id, email or display name contains this text (case-insensitive). */
  readonly search?: string | undefined;
}

/** The largest page {@link listUserViews} returns. */
export const MAX_LIST_LIMIT = 1000;

/**
 * Lists users, oldest first.
 * @param ctx the database
 * @param args `limit`, `offset`, optional `search`
 * @throws ProblemError `validation.failed` when `limit` or `offset` is out of range
 * @example const users = await listUserViews(ctx, { limit: 50, offset: 0, search: "ada" });
 */
export async function listUserViews(
  ctx: UsersReadContext,
  args: ListUserViewsArgs,
): Promise<UserView[]> {
  if (!Number.isSafeInteger(args.limit) || args.limit < 1 || args.limit > MAX_LIST_LIMIT) {
    throw new ProblemError("validation.failed", {
      detail: `limit must be an integer from 1 to ${MAX_LIST_LIMIT}.`,
    });
  }
  if (!Number.isSafeInteger(args.offset) || args.offset < 0) {
    throw new ProblemError("validation.failed", {
      detail: "offset must be an integer of 0 or more.",
    });
  }
  const search = args.search?.normalize("NFKC").trim();
  const rows = await listUsers(ctx.db, { limit: args.limit, offset: args.offset, search });
  return rows.map(toUserView);
}

/**
 * Finds a user by id (`u…`) or by email (normalized first).
 * @param db the database or a transaction
 * @param idOrEmail e.g. `"u4k2…"` or `"Ada@Example.com"`
 * @returns the row, or `undefined` when there is none
 * @example const row = await findUserByIdOrEmail(db, "ada@example.com");
 */
export async function findUserByIdOrEmail(
  db: DB,
  idOrEmail: string,
): Promise<UsersTable | undefined> {
  const text = idOrEmail.trim();
  if (isId(text, "user")) return await findUserById(db, text);
  return await findUserByEmail(db, normalizeEmail(text));
}

/** What a plan wrote: the row after it, and the audit events that record it. */
type Planned = { readonly row: UsersTable; readonly events: AuditEventInput[] } | undefined;

/** A change to a user row, planned inside the change's transaction. */
type Plan = (trx: DB, row: UsersTable, nowIso: string) => Promise<Planned>;

/**
 * Reads a user by id or email, runs `plan` on the row in the same transaction (with its audit
 * row), and calls the hook after commit when `plan` wrote something.
 */
async function changeUser(
  ctx: UsersContext,
  idOrEmail: string,
  options: UserChangeOptions,
  plan: Plan,
): Promise<UserChange> {
  const result = await ctx.db.transaction().execute(async (trx) => {
    const row = await findUserByIdOrEmail(trx, idOrEmail);
    if (row === undefined) {
      throw new ProblemError("resource.not_found", { detail: "No such user." });
    }
    const nowIso = ctx.now().toISOString();
    const planned = await plan(trx, row, nowIso);
    const ids = { now: ctx.now, newId: ctx.newId ?? newId };
    for (const event of options.audit === undefined ? [] : (planned?.events ?? [])) {
      await recordAudit(trx, ids, options.audit as AuditSource, {
        ...event,
        targetType: "user",
        targetId: row.id,
      });
    }
    return { user: toUserView(planned?.row ?? row), changed: planned !== undefined };
  });
  if (result.changed) options.onUserChanged?.(result.user.id);
  return result;
}

/**
 * Refuses to take away the last active admin (demoting, disabling or deleting them): nobody
 * could administer the instance any more. Call it inside the change's transaction.
 * @param ctx the dialect (PostgreSQL locks the admins' rows)
 * @param trx the change's transaction
 * @param row the user about to lose the role
 * @throws ProblemError `user.last_admin` (409)
 */
export async function keepAnAdmin(ctx: UsersContext, trx: DB, row: UsersTable): Promise<void> {
  if (row.role !== "admin" || row.disabled_at !== null) return;
  if ((await countActiveAdmins(trx, ctx.dialect === "postgres")) <= 1) {
    throw new ProblemError("user.last_admin");
  }
}

function setRole(ctx: UsersContext, role: Role): Plan {
  return async (trx, row, nowIso) => {
    if (row.role === role) return undefined;
    if (role !== "admin") await keepAnAdmin(ctx, trx, row);
    await updateUserRole(trx, row.id, role, nowIso);
    const event = { action: "user.role_changed", data: { from: row.role, to: role } };
    return { row: { ...row, role, updated_at: nowIso }, events: [event] };
  };
}

function setScopes(change: (current: readonly string[]) => string[]): Plan {
  return async (trx, row, nowIso) => {
    const before = parseScopes(row.scopes);
    const scopes = serializeScopes(change(before));
    if (scopes === row.scopes) return undefined;
    await updateUserScopes(trx, row.id, scopes, nowIso);
    const data = { from: before, to: parseScopes(scopes) };
    return {
      row: { ...row, scopes, updated_at: nowIso },
      events: [{ action: "user.scopes_changed", data }],
    };
  };
}

function setDisabled(ctx: UsersContext, isDisabled: boolean): Plan {
  return async (trx, row, nowIso) => {
    if ((row.disabled_at !== null) === isDisabled) return undefined;
    if (isDisabled) await keepAnAdmin(ctx, trx, row);
    const disabledAt = isDisabled ? nowIso : null;
    await setUserDisabled(trx, row.id, disabledAt, nowIso);
    const event = { action: isDisabled ? "user.disabled" : "user.enabled" };
    return { row: { ...row, disabled_at: disabledAt, updated_at: nowIso }, events: [event] };
  };
}

function requireScopes(scopes: string | readonly string[]): string[] {
  const list = scopesFromInput(scopes);
  if (list.length === 0) {
    throw new ProblemError("validation.failed", { detail: "Give at least one scope." });
  }
  return list;
}

/**
 * Makes a user an admin. A no-op (`changed: false`) when they already are.
 * @param ctx the database and clock
 * @param idOrEmail the user's id (`u…`) or email
 * @param options `onUserChanged`
 * @throws ProblemError `resource.not_found` when no user matches
 * @example await promoteUser(ctx, "ada@example.com", { onUserChanged: (id) => cache.drop(id) });
 */
export async function promoteUser(
  ctx: UsersContext,
  idOrEmail: string,
  options: UserChangeOptions = {},
): Promise<UserChange> {
  return await changeUser(ctx, idOrEmail, options, setRole(ctx, "admin"));
}

/**
 * Makes an admin a plain user again. A no-op (`changed: false`) when they are not an admin.
 * @param ctx the database and clock
 * @param idOrEmail the user's id (`u…`) or email
 * @param options `onUserChanged`
 * @throws ProblemError `resource.not_found` when no user matches; `user.last_admin` (409) for
 *   the last active admin
 * @example await demoteUser(ctx, "u4k2…");
 */
export async function demoteUser(
  ctx: UsersContext,
  idOrEmail: string,
  options: UserChangeOptions = {},
): Promise<UserChange> {
  return await changeUser(ctx, idOrEmail, options, setRole(ctx, "user"));
}

/**
 * Grants scopes to a user; scopes they already have are kept once.
 * @param ctx the database and clock
 * @param idOrEmail the user's id (`u…`) or email
 * @param scopes a space/comma-separated string or a list, e.g. `"billing:refund docs/read"`
 * @param options `onUserChanged`
 * @throws ProblemError `validation.failed` when no scope is given or one is malformed;
 *   `resource.not_found` when no user matches
 * @example await addUserScopes(ctx, "ada@example.com", ["billing:refund"]);
 */
export async function addUserScopes(
  ctx: UsersContext,
  idOrEmail: string,
  scopes: string | readonly string[],
  options: UserChangeOptions = {},
): Promise<UserChange> {
  const added = requireScopes(scopes);
  return await changeUser(
    ctx,
    idOrEmail,
    options,
    setScopes((current) => [...current, ...added]),
  );
}

/**
 * Takes scopes away from a user; scopes they do not have are ignored.
 * @param ctx the database and clock
 * @param idOrEmail the user's id (`u…`) or email
 * @param scopes a space/comma-separated string or a list
 * @param options `onUserChanged`
 * @throws ProblemError `validation.failed` when no scope is given or one is malformed;
 *   `resource.not_found` when no user matches
 * @example await removeUserScopes(ctx, "u4k2…", "billing:refund");
 */
export async function removeUserScopes(
  ctx: UsersContext,
  idOrEmail: string,
  scopes: string | readonly string[],
  options: UserChangeOptions = {},
): Promise<UserChange> {
  const removed = new Set(requireScopes(scopes));
  return await changeUser(
    ctx,
    idOrEmail,
    options,
    setScopes((current) => current.filter((s) => !removed.has(s))),
  );
}

/**
 * Disables a user (sets `disabledAt`); authentication refuses disabled users. A no-op that
 * keeps the first `disabledAt` when they are already disabled.
 * @param ctx the database and clock
 * @param idOrEmail the user's id (`u…`) or email
 * @param options `onUserChanged`
 * @throws ProblemError `resource.not_found` when no user matches; `user.last_admin` (409) for
 *   the last active admin
 * @example await disableUser(ctx, "ada@example.com", { onUserChanged });
 */
export async function disableUser(
  ctx: UsersContext,
  idOrEmail: string,
  options: UserChangeOptions = {},
): Promise<UserChange> {
  return await changeUser(ctx, idOrEmail, options, setDisabled(ctx, true));
}

/**
 * Enables a disabled user again. A no-op when they are not disabled.
 * @param ctx the database and clock
 * @param idOrEmail the user's id (`u…`) or email
 * @param options `onUserChanged`
 * @throws ProblemError `resource.not_found` when no user matches
 * @example await enableUser(ctx, "ada@example.com");
 */
export async function enableUser(
  ctx: UsersContext,
  idOrEmail: string,
  options: UserChangeOptions = {},
): Promise<UserChange> {
  return await changeUser(ctx, idOrEmail, options, setDisabled(ctx, false));
}

/** Runs `plans` one after the other on the same row, in one transaction. */
function inOrder(plans: Plan[]): Plan {
  return async (trx, row, nowIso) => {
    let current = row;
    const events: AuditEventInput[] = [];
    for (const plan of plans) {
      const planned = await plan(trx, current, nowIso);
      if (planned === undefined) continue;
      current = planned.row;
      events.push(...planned.events);
    }
    return events.length === 0 ? undefined : { row: current, events };
  };
}

/** The fields {@link updateUser} changes; absent ones stay. */
export interface UserUpdate {
  readonly role?: Role | undefined;
  /** The complete new list (an empty list takes every scope away). */
  readonly scopes?: readonly string[] | undefined;
}

/**
 * Sets a user's role and/or replaces their scopes, in one transaction (both or neither).
 * A no-op (`changed: false`) when nothing differs.
 * @param ctx the database, clock and id generator
 * @param idOrEmail the user's id (`u…`) or email
 * @param update `role`, `scopes`
 * @param options `onUserChanged`, `audit`
 * @throws ProblemError `validation.failed` for a malformed scope; `resource.not_found`;
 *   `user.last_admin` (409) when it would demote the last active admin
 * @example await updateUser(ctx, "u4k2…", { role: "admin", scopes: ["docs/read"] }, { audit });
 */
export async function updateUser(
  ctx: UsersContext,
  idOrEmail: string,
  update: UserUpdate,
  options: UserChangeOptions = {},
): Promise<UserChange> {
  const plans: Plan[] = [];
  if (update.scopes !== undefined) {
    const list = update.scopes.length === 0 ? [] : scopesFromInput(update.scopes);
    plans.push(setScopes(() => list));
  }
  if (update.role !== undefined) plans.push(setRole(ctx, update.role));
  return await changeUser(ctx, idOrEmail, options, inOrder(plans));
}
