/**
 * Queries of OAuth clients (`oauth_clients`) and their refresh-token families
 * (`client_sessions`). "Live" clients are the ones not deleted.
 * @module
 */
import type { ClientSessionsTable, DB, OAuthClientsTable } from "../db/schema.ts";

const CLIENT_COLUMNS = [
  "id",
  "name",
  "secret_hash",
  "scopes",
  "allow_refresh",
  "family_id",
  "created_at",
  "secret_rotated_at",
  "deleted_at",
] as const;

const SESSION_COLUMNS = [
  "id",
  "client_id",
  "family_id",
  "refresh_hash",
  "scopes",
  "created_at",
  "expires_at",
  "rotated_at",
  "revoked_at",
] as const;

/** What a client token's `sid` stands for, as token verification needs it. */
export interface ClientFamilyOwner {
  readonly clientId: string;
  /** The client's current scopes (JSON). */
  readonly scopes: string;
}

/**
 * Inserts a client.
 * @throws the driver's unique-violation error when a live client has the name
 */
export async function insertClient(db: DB, row: OAuthClientsTable): Promise<void> {
  await db.insertInto("oauth_clients").values(row).execute();
}

/** The live client with `id`. */
export async function findLiveClientById(
  db: DB,
  id: string,
): Promise<OAuthClientsTable | undefined> {
  return db
    .selectFrom("oauth_clients")
    .select(CLIENT_COLUMNS)
    .where("id", "=", id)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
}

/** The live client named `name`. */
export async function findLiveClientByName(
  db: DB,
  name: string,
): Promise<OAuthClientsTable | undefined> {
  return db
    .selectFrom("oauth_clients")
    .select(CLIENT_COLUMNS)
    .where("name", "=", name)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
}

/** Every live client, oldest first. */
export async function listLiveClients(db: DB): Promise<OAuthClientsTable[]> {
  return db
    .selectFrom("oauth_clients")
    .select(CLIENT_COLUMNS)
    .where("deleted_at", "is", null)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
}

/** The live client whose client-credentials family is `familyId`. */
export async function findClientByFamily(
  db: DB,
  familyId: string,
): Promise<ClientFamilyOwner | undefined> {
  return db
    .selectFrom("oauth_clients")
    .select(["id as clientId", "scopes"])
    .where("family_id", "=", familyId)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
}

/** The live client owning the refresh family `familyId`, while the family is not revoked. */
export async function findClientByRefreshFamily(
  db: DB,
  familyId: string,
): Promise<ClientFamilyOwner | undefined> {
  return db
    .selectFrom("client_sessions")
    .innerJoin("oauth_clients", "oauth_clients.id", "client_sessions.client_id")
    .select(["oauth_clients.id as clientId", "oauth_clients.scopes as scopes"])
    .where("client_sessions.family_id", "=", familyId)
    .where("client_sessions.revoked_at", "is", null)
    .where("oauth_clients.deleted_at", "is", null)
    .limit(1)
    .executeTakeFirst();
}

/**
 * Replaces a live client's secret hash and client-credentials family. @returns rows changed
 */
export async function updateClientSecret(
  db: DB,
  args: { id: string; secretHash: string; familyId: string; nowIso: string },
): Promise<number> {
  const result = await db
    .updateTable("oauth_clients")
    .set({ secret_hash: args.secretHash, family_id: args.familyId, secret_rotated_at: args.nowIso })
    .where("id", "=", args.id)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Moves a live client to a new client-credentials family, only while its family is still
 * `previous` (of two concurrent revocations, one changes the row). @returns rows changed
 */
export async function replaceClientFamily(
  db: DB,
  args: { id: string; previous: string; familyId: string },
): Promise<number> {
  const result = await db
    .updateTable("oauth_clients")
    .set({ family_id: args.familyId })
    .where("id", "=", args.id)
    .where("family_id", "=", args.previous)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Marks a live client deleted. @returns rows changed (0 or 1) */
export async function markClientDeleted(db: DB, id: string, nowIso: string): Promise<number> {
  const result = await db
    .updateTable("oauth_clients")
    .set({ deleted_at: nowIso })
    .where("id", "=", id)
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Inserts a client refresh-token row. */
export async function insertClientSession(db: DB, row: ClientSessionsTable): Promise<void> {
  await db.insertInto("client_sessions").values(row).execute();
}

/** The row of a client refresh token by its hash (spent and revoked ones included). */
export async function findClientSessionByRefreshHash(
  db: DB,
  refreshHash: string,
): Promise<ClientSessionsTable | undefined> {
  return db
    .selectFrom("client_sessions")
    .select(SESSION_COLUMNS)
    .where("refresh_hash", "=", refreshHash)
    .executeTakeFirst();
}

/** Revokes every row of one of `clientId`'s refresh families. @returns rows changed */
export async function revokeClientFamily(
  db: DB,
  args: { familyId: string; clientId: string; nowIso: string },
): Promise<number> {
  const result = await db
    .updateTable("client_sessions")
    .set({ revoked_at: args.nowIso })
    .where("family_id", "=", args.familyId)
    .where("client_id", "=", args.clientId)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Revokes every refresh family of a client.
 * @returns the ids of the families that had an unrevoked row
 */
export async function revokeClientFamilies(
  db: DB,
  clientId: string,
  nowIso: string,
): Promise<string[]> {
  const rows = await db
    .selectFrom("client_sessions")
    .select("family_id")
    .distinct()
    .where("client_id", "=", clientId)
    .where("revoked_at", "is", null)
    .execute();
  await db
    .updateTable("client_sessions")
    .set({ revoked_at: nowIso })
    .where("client_id", "=", clientId)
    .where("revoked_at", "is", null)
    .execute();
  return rows.map((r) => r.family_id);
}
