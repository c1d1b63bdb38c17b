/**
 * Passkey queries.
 * @module
 */
import type { DB, PasskeysTable, WebauthnChallengesTable } from "../db/schema.ts";

const COLUMNS = [
  "id",
  "user_id",
  "credential_id",
  "public_key",
  "counter",
  "transports",
  "aaguid",
  "backed_up",
  "backup_eligible",
  "name",
  "created_at",
  "last_used_at",
  "revoked_at",
] as const;

/** Inserts a passkey row. */
export async function insertPasskey(db: DB, row: PasskeysTable): Promise<void> {
  await db.insertInto("passkeys").values(row).execute();
}

/** Finds a passkey by its WebAuthn credential id (revoked ones included). */
export async function findPasskeyByCredentialId(
  db: DB,
  credentialId: string,
): Promise<PasskeysTable | undefined> {
  return db
    .selectFrom("passkeys")
    .select(COLUMNS)
    .where("credential_id", "=", credentialId)
    .executeTakeFirst();
}

/** Lists a user's passkeys, oldest first (revoked ones included). */
export async function listPasskeysOfUser(db: DB, userId: string): Promise<PasskeysTable[]> {
  return db
    .selectFrom("passkeys")
    .select(COLUMNS)
    .where("user_id", "=", userId)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
}

/** Counts a user's active (not revoked) passkeys. */
export async function countActivePasskeys(db: DB, userId: string): Promise<number> {
  const row = await db
    .selectFrom("passkeys")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("user_id", "=", userId)
    .where("revoked_at", "is", null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Records a successful sign-in: the new counter and backup state, only if the stored counter is
 * still the one verified against (a concurrent sign-in with the same counter loses).
 * @returns rows changed (0 or 1)
 */
export async function recordPasskeyUse(
  db: DB,
  args: {
    id: string;
    expectedCounter: number;
    newCounter: number;
    backedUp: boolean;
    nowIso: string;
  },
): Promise<number> {
  const result = await db
    .updateTable("passkeys")
    .set({ counter: args.newCounter, backed_up: args.backedUp ? 1 : 0, last_used_at: args.nowIso })
    .where("id", "=", args.id)
    .where("counter", "=", args.expectedCounter)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Renames one of the user's passkeys. @returns rows changed (0 or 1) */
export async function renamePasskey(
  db: DB,
  args: { id: string; userId: string; name: string },
): Promise<number> {
  const result = await db
    .updateTable("passkeys")
    .set({ name: args.name })
    .where("id", "=", args.id)
    .where("user_id", "=", args.userId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Revokes one of the user's active passkeys. @returns rows changed (0 or 1) */
export async function revokePasskey(
  db: DB,
  args: { id: string; userId: string; nowIso: string },
): Promise<number> {
  const result = await db
    .updateTable("passkeys")
    .set({ revoked_at: args.nowIso })
    .where("id", "=", args.id)
    .where("user_id", "=", args.userId)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Finds one of the user's passkeys by id; undefined when absent or another user's. */
export async function findPasskeyOfUser(
  db: DB,
  id: string,
  userId: string,
): Promise<PasskeysTable | undefined> {
  return db
    .selectFrom("passkeys")
    .select(COLUMNS)
    .where("id", "=", id)
    .where("user_id", "=", userId)
    .executeTakeFirst();
}

/** What a ceremony is for. */
export type CeremonyPurpose = "register" | "login" | "add" | "stepup" | "recover";

/** Stores a new challenge. */
export async function insertChallenge(db: DB, row: WebauthnChallengesTable): Promise<void> {
  await db.insertInto("webauthn_challenges").values(row).execute();
}

/**
 * Marks the challenge consumed and returns it, in one conditional UPDATE: of two concurrent
 * finishes with one flowId exactly one gets the row. Unknown, expired, already used, wrong
 * purpose or (for `add`) another user's challenge all give undefined.
 */
export async function consumeChallenge(
  db: DB,
  args: { id: string; purpose: CeremonyPurpose; userId: string | null; nowIso: string },
): Promise<WebauthnChallengesTable | undefined> {
  let query = db
    .updateTable("webauthn_challenges")
    .set({ consumed_at: args.nowIso })
    .where("id", "=", args.id)
    .where("purpose", "=", args.purpose)
    .where("consumed_at", "is", null)
    .where("expires_at", ">", args.nowIso);
  query =
    args.userId === null
      ? query.where("user_id", "is", null)
      : query.where("user_id", "=", args.userId);
  return query
    .returning([
      "id",
      "purpose",
      "challenge",
      "user_id",
      "data",
      "created_at",
      "expires_at",
      "consumed_at",
    ])
    .executeTakeFirst();
}

/** Deletes challenges that expired before `beforeIso`. @returns how many */
export async function deleteExpiredChallenges(db: DB, beforeIso: string): Promise<number> {
  const result = await db
    .deleteFrom("webauthn_challenges")
    .where("expires_at", "<", beforeIso)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
