/**
 * API keys of a signed-in user: creating, listing, rolling and revoking. Each change is
 * recorded in the audit log in its transaction (`apikey.created`, `apikey.rolled`,
 * `apikey.revoked`), and rolling or revoking clears the key from this process's verification
 * cache at once.
 * @module
 */
import type { AuditSource } from "../audit/model.ts";
import { recordAudit } from "../audit/service.ts";
import type { KeyshipContext } from "../context.ts";
import { ProblemError } from "../errors.ts";
import { parseScopes, serializeScopes } from "../users/model.ts";
import { findUserById } from "../users/store.ts";
import { displayPrefixOf, generateApiKey, hashApiKey } from "./model.ts";
import {
  type ApiKeyListRow,
  findApiKeyOfUser,
  insertApiKey,
  listApiKeysOfUser,
  revokeApiKey,
  rollApiKey,
} from "./store.ts";
import type { ApiKeyVerifier } from "./verifier.ts";

/** The context the API-key services need. */
export type ApiKeysContext = Pick<KeyshipContext, "db" | "now" | "newId"> & {
  readonly keys: Pick<ApiKeyVerifier, "invalidateKey">;
};

/** A key as the API lists it; never its secret. */
export interface ApiKeyView {
  readonly id: string;
  readonly name: string;
  /** `ksk_` and the first 8 characters of the secret. */
  readonly prefix: string;
  readonly scopes: string[];
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
  readonly expiresAt: string | null;
}

/** A key just created or rolled: the view plus the secret, shown this once. */
export interface IssuedApiKey extends ApiKeyView {
  readonly key: string;
}

/** What creating a key takes. */
export interface NewApiKey {
  readonly userId: string;
  readonly name: string;
  /** Each must be a scope the owner holds now. */
  readonly scopes: readonly string[];
  /** Undefined: the key never expires. */
  readonly expiresInDays?: number | undefined;
}

const DAY_MS = 86_400_000;

function toView(row: ApiKeyListRow): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: parseScopes(row.scopes),
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    expiresAt: row.expires_at,
  };
}

/**
 * Creates a key for a user. SECURITY: a key never names a scope its owner lacks, so asking
 * for one is refused (the key would also never grant it: see `effectiveScopes()`).
 * @param source who asked, and from where
 * @returns the key, with its secret (stored only as SHA-256)
 * @throws ProblemError `auth.forbidden` (403, `missing_scopes`) for scopes the owner lacks;
 *   `validation.failed` for a malformed scope
 */
export async function createApiKey(
  ctx: ApiKeysContext,
  source: AuditSource,
  args: NewApiKey,
): Promise<IssuedApiKey> {
  const scopesJson = serializeScopes(args.scopes);
  return ctx.db.transaction().execute(async (trx) => {
    const owner = await findUserById(trx, args.userId);
    const held = new Set(owner === undefined ? [] : parseScopes(owner.scopes));
    const missing = parseScopes(scopesJson).filter((scope) => !held.has(scope));
    if (owner === undefined || missing.length > 0) {
      throw new ProblemError("auth.forbidden", {
        detail: "A key can only hold scopes you hold.",
        extensions: { missing_scopes: missing },
      });
    }
    const now = ctx.now();
    const key = generateApiKey();
    const row = {
      id: ctx.newId("apiKey"),
      user_id: args.userId,
      name: args.name,
      prefix: displayPrefixOf(key),
      secret_hash: hashApiKey(key),
      previous_hash: null,
      previous_until: null,
      scopes: scopesJson,
      created_at: now.toISOString(),
      expires_at:
        args.expiresInDays === undefined
          ? null
          : new Date(now.getTime() + args.expiresInDays * DAY_MS).toISOString(),
      last_used_at: null,
      revoked_at: null,
    };
    await insertApiKey(trx, row);
    const view = toView(row);
    await recordAudit(trx, ctx, source, {
      action: "apikey.created",
      targetType: "apikey",
      targetId: row.id,
      data: { name: view.name, scopes: view.scopes, expiresAt: view.expiresAt },
    });
    return { ...view, key };
  });
}

/**
 * A user's keys that are not revoked (expired ones included), newest first. `lastUsedAt` is
 * written in batches, so it may be up to a minute behind.
 */
export async function listApiKeys(
  ctx: Pick<KeyshipContext, "db">,
  userId: string,
): Promise<ApiKeyView[]> {
  return (await listApiKeysOfUser(ctx.db, userId)).map(toView);
}

/**
 * Revokes one of the user's keys: it is refused on its very next request in this process, and
 * within `authCacheTtlSeconds` in others.
 * @param source who asked, and from where
 * @throws ProblemError `resource.not_found` when the key is unknown, revoked or not theirs
 */
export async function revokeUserApiKey(
  ctx: ApiKeysContext,
  source: AuditSource,
  target: { userId: string; keyId: string },
): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const key = await findApiKeyOfUser(trx, target.keyId, target.userId);
    const changed =
      key === undefined
        ? 0
        : await revokeApiKey(trx, {
            id: target.keyId,
            userId: target.userId,
            nowIso: ctx.now().toISOString(),
          });
    if (key === undefined || changed === 0) throw new ProblemError("resource.not_found");
    await recordAudit(trx, ctx, source, {
      action: "apikey.revoked",
      targetType: "apikey",
      targetId: target.keyId,
      data: { name: key.name },
    });
  });
  ctx.keys.invalidateKey(target.keyId);
}

/**
 * Gives one of the user's live keys a new secret. The replaced secret keeps working for
 * `previousValidForSeconds` (at most 7 days; 0 stops it now); rolling again before then ends
 * it at once, since a key keeps one previous secret at most.
 * @param source who asked, and from where
 * @returns the key with its new secret, and until when the previous one works
 * @throws ProblemError `resource.not_found` when the key is unknown, revoked, expired or not
 *   theirs
 */
export async function rollUserApiKey(
  ctx: ApiKeysContext,
  source: AuditSource,
  target: { userId: string; keyId: string; previousValidForSeconds: number },
): Promise<IssuedApiKey & { readonly previousValidUntil: string | null }> {
  const rolled = await ctx.db.transaction().execute(async (trx) => {
    const now = ctx.now();
    const key = generateApiKey();
    const previousValidUntil =
      target.previousValidForSeconds === 0
        ? null
        : new Date(now.getTime() + target.previousValidForSeconds * 1000).toISOString();
    const changed = await rollApiKey(trx, {
      id: target.keyId,
      userId: target.userId,
      secretHash: hashApiKey(key),
      prefix: displayPrefixOf(key),
      previousUntil: previousValidUntil,
      nowIso: now.toISOString(),
    });
    const row =
      changed === 0 ? undefined : await findApiKeyOfUser(trx, target.keyId, target.userId);
    if (row === undefined) throw new ProblemError("resource.not_found");
    await recordAudit(trx, ctx, source, {
      action: "apikey.rolled",
      targetType: "apikey",
      targetId: target.keyId,
      data: { name: row.name, previousValidUntil },
    });
    return { ...toView(row), key, previousValidUntil };
  });
  ctx.keys.invalidateKey(target.keyId);
  return rolled;
}
