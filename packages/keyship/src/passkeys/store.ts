/**
 * Passkey queries.
 * @module
 */
import type { ExpressionBuilder } from "kysely";
import { prepared } from "../db/prepared.ts";
import type { Database, DB, PasskeysTable, WebauthnChallengesTable } from "../db/schema.ts";

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

/** A passkey with what a sign-in needs of its owner. */
export type PasskeyWithOwner = PasskeysTable & { readonly owner_disabled_at: string | null };

/**
 * Finds a passkey by its WebAuthn credential id together with its owner's `disabled_at`, in one
 * query (revoked passkeys included; a passkey always has an owner: the foreign key).
 */
export async function findPasskeyWithOwner(
  db: DB,
  credentialId: string,
): Promise<PasskeyWithOwner | undefined> {
  return (await passkeyWithOwner(db, { credentialId })).rows[0];
}

// Every passkey sign-in and step-up reads it: compiled once (db/prepared.ts).
const passkeyWithOwner = prepared((db, v: { credentialId: string }) =>
  db
    .selectFrom("passkeys")
    .innerJoin("users", "users.id", "passkeys.user_id")
    .select(COLUMNS.map((c) => `passkeys.${c}` as const))
    .select("users.disabled_at as owner_disabled_at")
    .where("passkeys.credential_id", "=", v.credentialId),
);

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
  const result = await passkeyUse(db, {
    id: args.id,
    expectedCounter: args.expectedCounter,
    newCounter: args.newCounter,
    backedUp: args.backedUp ? 1 : 0,
    nowIso: args.nowIso,
  });
  return Number(result.numAffectedRows);
}

const passkeyUse = prepared(
  (
    db,
    v: {
      id: string;
      expectedCounter: number;
      newCounter: number;
      backedUp: number;
      nowIso: string;
    },
  ) =>
    db
      .updateTable("passkeys")
      .set({ counter: v.newCounter, backed_up: v.backedUp, last_used_at: v.nowIso })
      .where("id", "=", v.id)
      .where("counter", "=", v.expectedCounter)
      .where("revoked_at", "is", null)
      // The owner may have been disabled since the assertion was checked.
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom("users")
            .select("users.id")
            .whereRef("users.id", "=", "passkeys.user_id")
            .where("users.disabled_at", "is", null),
        ),
      ),
);

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

/** Which challenge a finish step asks for, and when. */
type ChallengeQuery = {
  id: string;
  purpose: CeremonyPurpose;
  userId: string | null;
  nowIso: string;
};

const CHALLENGE_COLUMNS = [
  "id",
  "purpose",
  "challenge",
  "user_id",
  "data",
  "created_at",
  "expires_at",
  "consumed_at",
] as const;

/** The conditions of an open challenge: this id, purpose and user, unspent, unexpired. */
function openChallenge(v: ChallengeQuery, anonymous: boolean) {
  return (eb: ExpressionBuilder<Database, "webauthn_challenges">) =>
    eb.and([
      eb("id", "=", v.id),
      eb("purpose", "=", v.purpose),
      eb("consumed_at", "is", null),
      eb("expires_at", ">", v.nowIso),
      anonymous ? eb("user_id", "is", null) : eb("user_id", "=", v.userId),
    ]);
}

// Every ceremony's finish runs one of each; compiled once per shape (db/prepared.ts): a
// challenge of nobody (sign-in, registration) and one of a signed-in user.
const [consumeOfNobody, consumeOfUser] = [true, false].map((anonymous) =>
  prepared((db, v: ChallengeQuery) =>
    db
      .updateTable("webauthn_challenges")
      .set({ consumed_at: v.nowIso })
      .where(openChallenge(v, anonymous))
      .returning(CHALLENGE_COLUMNS),
  ),
) as [ChallengeRun, ChallengeRun];
const [findOfNobody, findOfUser] = [true, false].map((anonymous) =>
  prepared((db, v: ChallengeQuery) =>
    db
      .selectFrom("webauthn_challenges")
      .select(CHALLENGE_COLUMNS)
      .where(openChallenge(v, anonymous)),
  ),
) as [ChallengeRun, ChallengeRun];

type ChallengeRun = (db: DB, v: ChallengeQuery) => Promise<{ rows: WebauthnChallengesTable[] }>;

/**
 * Marks the challenge consumed and returns it, in one conditional UPDATE: of two concurrent
 * finishes with one flowId exactly one gets the row. Unknown, expired, already used, wrong
 * purpose or (for `add`) another user's challenge all give undefined.
 */
export async function consumeChallenge(
  db: DB,
  args: ChallengeQuery,
): Promise<WebauthnChallengesTable | undefined> {
  return (await (args.userId === null ? consumeOfNobody : consumeOfUser)(db, args)).rows[0];
}

/** The challenge {@link consumeChallenge} would spend now, read without spending it. */
export async function findOpenChallenge(
  db: DB,
  args: ChallengeQuery,
): Promise<WebauthnChallengesTable | undefined> {
  return (await (args.userId === null ? findOfNobody : findOfUser)(db, args)).rows[0];
}

/** Deletes challenges that expired before `beforeIso`. @returns how many */
export async function deleteExpiredChallenges(db: DB, beforeIso: string): Promise<number> {
  const result = await db
    .deleteFrom("webauthn_challenges")
    .where("expires_at", "<", beforeIso)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
