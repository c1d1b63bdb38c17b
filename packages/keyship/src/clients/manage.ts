/**
 * Registering and managing OAuth clients: create, list, rotate the secret, delete. Used by the
 * `keyship clients` CLI and the admin API; every change is audited in its transaction.
 * @module
 */
import type { AuditSource } from "../audit/model.ts";
import { recordAudit } from "../audit/service.ts";
import type { KeyshipContext } from "../context.ts";
import { isUniqueViolation } from "../db/errors.ts";
import type { DB, OAuthClientsTable } from "../db/schema.ts";
import { ProblemError } from "../errors.ts";
import { isId } from "../ids.ts";
import type { SessionRuntime } from "../sessions/runtime.ts";
import { scopesFromInput, serializeScopes } from "../users/model.ts";
import {
  CLIENT_NAME_PATTERN,
  type ClientView,
  type ClientWithSecret,
  toClientView,
} from "./model.ts";
import { hashClientSecret, newClientSecret } from "./secrets.ts";
import {
  findLiveClientById,
  findLiveClientByName,
  insertClient,
  listLiveClients,
  markClientDeleted,
  revokeClientFamilies,
  updateClientSecret,
} from "./store.ts";

/**
 * What managing clients needs: the database, clock and ids, and the change feed, so the
 * tokens of a deleted or rotated client fail on the next request in every process. The server
 * also passes its revocation list (whose revocations are announced); the CLI has none and
 * announces the revoked families itself.
 */
export type ClientsContext = Pick<KeyshipContext, "db" | "now" | "newId"> & {
  readonly sessions?: Pick<SessionRuntime, "revocations">;
  readonly changes?: Pick<KeyshipContext["changes"], "announce">;
};

/** What {@link createClient} registers. */
export interface NewClient {
  /** See {@link CLIENT_NAME_PATTERN}; unique among live clients. */
  readonly name: string;
  /** The scopes the client may ask for (space- or comma-separated strings, or a list). */
  readonly scopes: string | readonly string[];
  /** Whether the client may use the refresh-token grant. @default false */
  readonly allowRefresh?: boolean;
}

function checkedName(name: string): string {
  if (!CLIENT_NAME_PATTERN.test(name)) {
    throw new ProblemError("validation.failed", {
      detail:
        "A client name is 1 to 64 letters, digits and . _ -, starting with a letter or digit.",
    });
  }
  return name;
}

/**
 * Registers a client with a new secret.
 * @param ctx database, clock and ids
 * @param source who registered it (the admin's request, or `CLI_SOURCE`)
 * @returns the client and its secret, which is never shown again
 * @throws ProblemError `validation.failed` (name or scopes), `client.name_taken`
 * @example const { client, clientSecret } = await createClient(ctx, CLI_SOURCE, { name: "billing-worker", scopes: "invoices:read" });
 */
export async function createClient(
  ctx: ClientsContext,
  source: AuditSource,
  input: NewClient,
): Promise<ClientWithSecret> {
  const name = checkedName(input.name);
  const scopes = serializeScopes(scopesFromInput(input.scopes));
  const clientSecret = newClientSecret();
  const row: OAuthClientsTable = {
    id: ctx.newId("client"),
    name,
    secret_hash: hashClientSecret(clientSecret),
    scopes,
    allow_refresh: input.allowRefresh === true ? 1 : 0,
    family_id: ctx.newId("family"),
    created_at: ctx.now().toISOString(),
    secret_rotated_at: null,
    deleted_at: null,
  };
  try {
    await ctx.db.transaction().execute(async (trx) => {
      await insertClient(trx, row);
      await recordAudit(trx, ctx, source, {
        action: "client.created",
        targetType: "client",
        targetId: row.id,
        data: { name, scopes: JSON.parse(scopes), allowRefresh: input.allowRefresh === true },
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new ProblemError("client.name_taken", { cause: error });
    throw error;
  }
  return { client: toClientView(row), clientSecret };
}

/** Every live client, oldest first. */
export async function listClients(ctx: Pick<KeyshipContext, "db">): Promise<ClientView[]> {
  return (await listLiveClients(ctx.db)).map(toClientView);
}

/** The live client named by its id or its name, inside `db`. */
async function findClient(db: DB, idOrName: string): Promise<OAuthClientsTable> {
  const row = isId(idOrName, "client")
    ? await findLiveClientById(db, idOrName)
    : await findLiveClientByName(db, idOrName);
  if (row === undefined) throw new ProblemError("resource.not_found");
  return row;
}

/** Refuses every token of the client's given families, in every process. */
function announceRevoked(ctx: ClientsContext, clientId: string, families: readonly string[]) {
  if (ctx.sessions !== undefined) ctx.sessions.revocations.revoke(families);
  else for (const id of families) ctx.changes?.announce({ kind: "session", id });
  ctx.changes?.announce({ kind: "client", id: clientId });
}

/**
 * Gives a client a new secret. The old one stops working at once, and so does every token
 * issued before: its client-credentials family is replaced and its refresh families revoked.
 * @param idOrName the client's id or name
 * @returns the client and its new secret, which is never shown again
 * @throws ProblemError `resource.not_found`
 */
export async function rotateClientSecret(
  ctx: ClientsContext,
  source: AuditSource,
  idOrName: string,
): Promise<ClientWithSecret> {
  const clientSecret = newClientSecret();
  const result = await ctx.db.transaction().execute(async (trx) => {
    const row = await findClient(trx, idOrName);
    const nowIso = ctx.now().toISOString();
    const familyId = ctx.newId("family");
    const secretHash = hashClientSecret(clientSecret);
    if ((await updateClientSecret(trx, { id: row.id, secretHash, familyId, nowIso })) === 0) {
      throw new ProblemError("resource.not_found");
    }
    const families = await revokeClientFamilies(trx, row.id, nowIso);
    await recordAudit(trx, ctx, source, {
      action: "client.secret_rotated",
      targetType: "client",
      targetId: row.id,
      data: { name: row.name, refreshFamiliesRevoked: families.length },
    });
    const updated = { ...row, secret_hash: secretHash, family_id: familyId };
    return {
      row: { ...updated, secret_rotated_at: nowIso },
      revoked: [row.family_id, ...families],
    };
  });
  announceRevoked(ctx, result.row.id, result.revoked);
  return { client: toClientView(result.row), clientSecret };
}

/**
 * Deletes a client: its secret and every token of it stop working at once. The row stays
 * (marked deleted, its name free again) so audit rows keep naming it.
 * @param idOrName the client's id or name
 * @returns the deleted client
 * @throws ProblemError `resource.not_found`
 */
export async function deleteClient(
  ctx: ClientsContext,
  source: AuditSource,
  idOrName: string,
): Promise<ClientView> {
  const result = await ctx.db.transaction().execute(async (trx) => {
    const row = await findClient(trx, idOrName);
    const nowIso = ctx.now().toISOString();
    if ((await markClientDeleted(trx, row.id, nowIso)) === 0) {
      throw new ProblemError("resource.not_found");
    }
    const families = await revokeClientFamilies(trx, row.id, nowIso);
    await recordAudit(trx, ctx, source, {
      action: "client.deleted",
      targetType: "client",
      targetId: row.id,
      data: { name: row.name },
    });
    return { row, revoked: [row.family_id, ...families] };
  });
  announceRevoked(ctx, result.row.id, result.revoked);
  return toClientView(result.row);
}
