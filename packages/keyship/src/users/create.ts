/**
 * Creating an account, the same way on every sign-up path (passkey, password, later OAuth).
 * @module
 */
import { isUniqueViolation } from "../db/errors.ts";
import type { DB, DialectName } from "../db/schema.ts";
import { type ProblemCode, ProblemError } from "../errors.ts";
import { type BootstrapSettings, initialRoleFor } from "./bootstrap.ts";
import { findUserByEmail, insertUser } from "./store.ts";

/** A new account. `email` is already normalised. */
export interface NewAccount {
  readonly id: string;
  readonly email: string | null;
  readonly displayName: string | null;
  readonly passwordHash: string | null;
  /** The app-defined fields, already validated and serialized. @default "{}" */
  readonly fields?: string;
}

/**
 * Inserts the user inside the sign-up's transaction, with the role bootstrap rules give
 * (KEYSHIP_BOOTSTRAP_ADMIN_EMAILS, KEYSHIP_FIRST_USER_IS_ADMIN).
 * @param trx the sign-up's transaction
 * @param settings the bootstrap settings
 * @param dialect the database dialect
 * @param account the new account
 * @param nowIso the creation time
 * @param takenCode the code to answer when the email already has an account
 * @throws ProblemError `takenCode` when the email is taken (also when a concurrent sign-up
 *   wins the race to the unique index)
 */
export async function createAccount(
  trx: DB,
  settings: BootstrapSettings,
  dialect: DialectName,
  account: NewAccount,
  nowIso: string,
  takenCode: ProblemCode,
): Promise<void> {
  if (account.email !== null && (await findUserByEmail(trx, account.email)) !== undefined) {
    throw new ProblemError(takenCode);
  }
  try {
    await insertUser(trx, {
      id: account.id,
      email: account.email,
      display_name: account.displayName,
      role: await initialRoleFor(trx, account.email, settings, dialect),
      scopes: "[]",
      password_hash: account.passwordHash,
      email_verified_at: null,
      disabled_at: null,
      created_at: nowIso,
      updated_at: nowIso,
      fields: account.fields ?? "{}",
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new ProblemError(takenCode, { cause: error });
    throw error;
  }
}
