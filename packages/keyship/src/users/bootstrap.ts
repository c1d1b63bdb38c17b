/**
 * Bootstrap admins: which role a new account starts with.
 * @module
 */
import type { Settings } from "../config/schema.ts";
import { lockFirstUserDecision } from "../db/lock.ts";
import type { DB, DialectName } from "../db/schema.ts";
import type { Role } from "./model.ts";
import { countUsers } from "./store.ts";

/** The settings {@link initialRoleFor} reads. */
export type BootstrapSettings = Pick<Settings, "bootstrapAdminEmails" | "firstUserIsAdmin">;

/**
 * The role a new account gets, decided inside the sign-up's transaction. Every sign-up path
 * that knows an email calls it (passkey and password registration): an email listed in
 * `bootstrapAdminEmails`, or the first account when `firstUserIsAdmin` is on, starts as
 * `admin`; everyone else, and every account without an email, as `user`.
 *
 * @param trx the sign-up's transaction (the user row is not inserted yet)
 * @param email the new account's normalized email, or null
 * @param settings the bootstrap settings
 * @param dialect the database dialect (PostgreSQL takes a lock for the first-user check)
 * @example
 * const role = await initialRoleFor(trx, "ada@example.com", ctx.settings, ctx.dialect);
 */
export async function initialRoleFor(
  trx: DB,
  email: string | null,
  settings: BootstrapSettings,
  dialect: DialectName,
): Promise<Role> {
  if (email === null) return "user";
  if (settings.bootstrapAdminEmails.includes(email)) return "admin";
  if (!settings.firstUserIsAdmin) return "user";
  // Without the lock, two concurrent first sign-ups on PostgreSQL could both count 0 users.
  await lockFirstUserDecision(trx, dialect);
  return (await countUsers(trx)) === 0 ? "admin" : "user";
}
