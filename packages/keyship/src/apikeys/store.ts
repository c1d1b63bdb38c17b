/**
 * API-key queries.
 * @module
 */
import type { ApiKeysTable, DB } from "../db/schema.ts";

/** A key found by one of its hashes, with what verification needs of its owner. */
export interface ApiKeyWithOwner {
  readonly id: string;
  readonly userId: string;
  readonly secretHash: string;
  readonly previousHash: string | null;
  readonly previousUntil: string | null;
  /** The key's scopes (JSON). */
  readonly scopes: string;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
  /** The owner's current scopes (JSON). */
  readonly ownerScopes: string;
  readonly disabledAt: string | null;
}

/** The columns a list entry shows. */
export type ApiKeyListRow = Pick<
  ApiKeysTable,
  "id" | "name" | "prefix" | "scopes" | "created_at" | "last_used_at" | "expires_at"
>;

/** Inserts a key row. */
export async function insertApiKey(db: DB, row: ApiKeysTable): Promise<void> {
  await db.insertInto("api_keys").values(row).execute();
}

/**
 * Loads the key whose current or previous secret has `hash`, and its owner's scopes and
 * status; undefined when no key has it. The caller tells which of the two matched.
 */
export async function findApiKeyByHash(db: DB, hash: string): Promise<ApiKeyWithOwner | undefined> {
  return db
    .selectFrom("api_keys")
    .innerJoin("users", "users.id", "api_keys.user_id")
    .select([
      "api_keys.id as id",
      "api_keys.user_id as userId",
      "api_keys.secret_hash as secretHash",
      "api_keys.previous_hash as previousHash",
      "api_keys.previous_until as previousUntil",
      "api_keys.scopes as scopes",
      "api_keys.expires_at as expiresAt",
      "api_keys.revoked_at as revokedAt",
      "users.scopes as ownerScopes",
      "users.disabled_at as disabledAt",
    ])
    .where((eb) => eb.or([eb("api_keys.secret_hash", "=", hash), eb("previous_hash", "=", hash)]))
    .executeTakeFirst();
}

/** A user's unrevoked keys (expired ones included), newest first. */
export async function listApiKeysOfUser(db: DB, userId: string): Promise<ApiKeyListRow[]> {
  return db
    .selectFrom("api_keys")
    .select(["id", "name", "prefix", "scopes", "created_at", "last_used_at", "expires_at"])
    .where("user_id", "=", userId)
    .where("revoked_at", "is", null)
    .orderBy("created_at", "desc")
    .orderBy("id")
    .execute();
}

/** One of the user's unrevoked keys; undefined when unknown, revoked or someone else's. */
export async function findApiKeyOfUser(
  db: DB,
  id: string,
  userId: string,
): Promise<ApiKeyListRow | undefined> {
  return db
    .selectFrom("api_keys")
    .select(["id", "name", "prefix", "scopes", "created_at", "last_used_at", "expires_at"])
    .where("id", "=", id)
    .where("user_id", "=", userId)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
}

/** Revokes one of the user's unrevoked keys. @returns rows changed (0 or 1) */
export async function revokeApiKey(
  db: DB,
  args: { id: string; userId: string; nowIso: string },
): Promise<number> {
  const result = await db
    .updateTable("api_keys")
    .set({ revoked_at: args.nowIso })
    .where("id", "=", args.id)
    .where("user_id", "=", args.userId)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Gives one of the user's live keys a new secret: the current hash becomes the previous one,
 * valid until `previousUntil` (null: not at all), replacing any earlier previous hash.
 * @returns rows changed (0 or 1: unknown, revoked, expired or someone else's)
 */
export async function rollApiKey(
  db: DB,
  args: {
    id: string;
    userId: string;
    secretHash: string;
    prefix: string;
    previousUntil: string | null;
    nowIso: string;
  },
): Promise<number> {
  const result = await db
    .updateTable("api_keys")
    .set((eb) => ({
      previous_hash: args.previousUntil === null ? null : eb.ref("secret_hash"),
      previous_until: args.previousUntil,
      secret_hash: args.secretHash,
      prefix: args.prefix,
    }))
    .where("id", "=", args.id)
    .where("user_id", "=", args.userId)
    .where("revoked_at", "is", null)
    .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", args.nowIso)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Records when a key was last used, never moving the time backwards. */
export async function touchApiKey(db: DB, id: string, usedAtIso: string): Promise<void> {
  await db
    .updateTable("api_keys")
    .set({ last_used_at: usedAtIso })
    .where("id", "=", id)
    .where((eb) => eb.or([eb("last_used_at", "is", null), eb("last_used_at", "<", usedAtIso)]))
    .execute();
}
