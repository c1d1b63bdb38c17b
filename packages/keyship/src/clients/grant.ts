/**
 * The token endpoint's grants: client credentials (RFC 6749 §4.4) and, for clients allowed to,
 * refresh tokens (§6), rotated with reuse detection like user sessions (RFC 9700 §4.14.2).
 *
 * Issuing a client-credentials token writes nothing: the token's `sid` is the client's
 * client-credentials family, kept on its row, so the grant costs one read and one signature.
 * @module
 */
import type { AuditSource } from "../audit/model.ts";
import { recordAudit } from "../audit/service.ts";
import type { KeyshipContext } from "../context.ts";
import type { DB, OAuthClientsTable } from "../db/schema.ts";
import { ProblemError } from "../errors.ts";
import {
  hashRefreshToken,
  newRefreshToken,
  REFRESH_TOKEN_PATTERN,
  sameHash,
} from "../sessions/issue.ts";
import { spendSession } from "../sessions/store.ts";
import { parseScopes } from "../users/model.ts";
import type { OAuthContext } from "./credentials.ts";
import { scopesOfParameter } from "./model.ts";
import {
  findClientSessionByRefreshHash,
  insertClientSession,
  revokeClientFamily,
} from "./store.ts";

/** What the token endpoint was asked for (its body, validated). */
export interface TokenRequest {
  readonly grant_type: string;
  readonly scope?: string | undefined;
  readonly refresh_token?: string | undefined;
}

/** RFC 6749 §5.1: the successful token response. */
export interface TokenResponse {
  readonly access_token: string;
  readonly token_type: "Bearer";
  readonly expires_in: number;
  /** The granted scopes, space-separated (RFC 6749 §3.3). */
  readonly scope: string;
  /** For clients allowed to refresh: a single-use refresh token. */
  readonly refresh_token?: string;
}

/**
 * The scopes to grant: all of `allowed` when none were asked for (RFC 6749 §3.3's default),
 * else exactly the ones asked for, each of which must be allowed.
 * @throws ProblemError `oauth.invalid_scope`
 */
function grantedScopes(requested: string | undefined, allowed: readonly string[]): string[] {
  if (requested === undefined) return [...allowed];
  const scopes = scopesOfParameter(requested);
  if (scopes.length === 0 || scopes.some((scope) => !allowed.includes(scope))) {
    throw new ProblemError("oauth.invalid_scope");
  }
  return scopes;
}

/** Signs a client's access token for `sid` and `scopes`. */
async function signClientToken(
  ctx: Pick<KeyshipContext, "sessions">,
  client: OAuthClientsTable,
  grant: { sid: string; scopes: readonly string[]; refreshToken?: string },
): Promise<TokenResponse> {
  const scope = grant.scopes.join(" ");
  // RFC 9068 §2.2 and §5: client_id, and the client as subject (no resource owner).
  const access = await ctx.sessions.issuer.issueAccess(client.id, {
    client_id: client.id,
    sid: grant.sid,
    scope,
  });
  return {
    access_token: access.token,
    token_type: "Bearer",
    expires_in: access.expiresIn,
    scope,
    ...(grant.refreshToken === undefined ? {} : { refresh_token: grant.refreshToken }),
  };
}

/** Stores a new refresh token of `familyId` (a new family when undefined). */
async function storeClientRefresh(
  trx: DB,
  ctx: Pick<KeyshipContext, "now" | "newId" | "settings">,
  args: { clientId: string; familyId?: string; scopes: readonly string[] },
): Promise<{ familyId: string; refreshToken: string }> {
  const now = ctx.now();
  const id = ctx.newId("session");
  const refreshToken = newRefreshToken();
  await insertClientSession(trx, {
    id,
    client_id: args.clientId,
    family_id: args.familyId ?? id,
    refresh_hash: hashRefreshToken(refreshToken),
    scopes: JSON.stringify(args.scopes),
    created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + ctx.settings.refreshTokenTtl * 1000).toISOString(),
    rotated_at: null,
    revoked_at: null,
  });
  return { familyId: args.familyId ?? id, refreshToken };
}

/** RFC 6749 §4.4: a token for the client itself; a refresh family too when it may refresh. */
async function clientCredentialsGrant(
  ctx: OAuthContext,
  client: OAuthClientsTable,
  request: TokenRequest,
): Promise<TokenResponse> {
  const scopes = grantedScopes(request.scope, parseScopes(client.scopes));
  if (client.allow_refresh !== 1)
    return signClientToken(ctx, client, { sid: client.family_id, scopes });
  const family = await ctx.db
    .transaction()
    .execute((trx) => storeClientRefresh(trx, ctx, { clientId: client.id, scopes }));
  return signClientToken(ctx, client, {
    sid: family.familyId,
    scopes,
    refreshToken: family.refreshToken,
  });
}

type RefreshOutcome =
  | {
      readonly kind: "rotated";
      readonly familyId: string;
      readonly refreshToken: string;
      readonly scopes: string[];
    }
  | { readonly kind: "reused"; readonly familyId: string }
  | { readonly kind: "refused" };

/** Spends the presented refresh token and stores the next one, in one transaction. */
async function rotateClientRefresh(
  ctx: OAuthContext,
  client: OAuthClientsTable,
  request: TokenRequest & { refresh_token: string },
): Promise<RefreshOutcome> {
  const hash = hashRefreshToken(request.refresh_token);
  return ctx.db.transaction().execute(async (trx): Promise<RefreshOutcome> => {
    const nowIso = ctx.now().toISOString();
    const row = await findClientSessionByRefreshHash(trx, hash);
    // RFC 6749 §6: bound to the client it was issued to.
    if (row === undefined || !sameHash(row.refresh_hash, hash) || row.client_id !== client.id) {
      return { kind: "refused" };
    }
    if (row.revoked_at !== null) return { kind: "refused" };
    if (row.rotated_at !== null) return { kind: "reused", familyId: row.family_id };
    if (row.expires_at <= nowIso) return { kind: "refused" };
    // §6: never more than the family was granted, nor than the client may have now.
    const current = new Set(parseScopes(client.scopes));
    const family = parseScopes(row.scopes).filter((scope) => current.has(scope));
    const scopes = grantedScopes(request.scope, family);
    // A concurrent refresh spent it between our read and this update.
    if ((await spendSession(trx, row.id, nowIso, "client_sessions")) === 0) {
      return { kind: "reused", familyId: row.family_id };
    }
    const next = await storeClientRefresh(trx, ctx, {
      clientId: client.id,
      familyId: row.family_id,
      scopes: family,
    });
    return { kind: "rotated", ...next, scopes };
  });
}

/** RFC 6749 §6 with rotation: a spent token presented again revokes its whole family. */
async function refreshTokenGrant(
  ctx: OAuthContext,
  source: AuditSource,
  client: OAuthClientsTable,
  request: TokenRequest,
): Promise<TokenResponse> {
  if (client.allow_refresh !== 1) throw new ProblemError("oauth.unauthorized_client");
  const presented = request.refresh_token;
  if (presented === undefined) throw new ProblemError("oauth.invalid_request");
  if (!REFRESH_TOKEN_PATTERN.test(presented)) throw new ProblemError("oauth.invalid_grant");
  const outcome = await rotateClientRefresh(ctx, client, { ...request, refresh_token: presented });
  if (outcome.kind === "refused") throw new ProblemError("oauth.invalid_grant");
  if (outcome.kind === "reused") {
    // Refused from now on, even if the revocation below fails (the safe direction).
    ctx.sessions.revocations.revoke([outcome.familyId]);
    await ctx.db.transaction().execute(async (trx) => {
      const nowIso = ctx.now().toISOString();
      await revokeClientFamily(trx, { familyId: outcome.familyId, clientId: client.id, nowIso });
      await recordAudit(trx, ctx, source, {
        action: "client.refresh_reused",
        outcome: "failure",
        targetType: "client",
        targetId: client.id,
        data: { familyId: outcome.familyId },
      });
    });
    ctx.logger.warn(
      { clientId: client.id, familyId: outcome.familyId },
      "client refresh token reused: family revoked",
    );
    throw new ProblemError("oauth.invalid_grant", { cause: new Error("refresh token reused") });
  }
  return signClientToken(ctx, client, {
    sid: outcome.familyId,
    scopes: outcome.scopes,
    refreshToken: outcome.refreshToken,
  });
}

/**
 * Answers a token request of an authenticated client.
 * @param ctx the instance's context and the OAuth limits
 * @param source where the request came from (for the reuse audit row)
 * @param client the authenticated client (see `authenticateClient()`)
 * @param request `grant_type`, optional `scope`, and `refresh_token` for the refresh grant
 * @throws ProblemError `oauth.unsupported_grant_type`, `oauth.invalid_scope`,
 *   `oauth.invalid_grant`, `oauth.unauthorized_client`, `oauth.invalid_request`
 */
export async function grantToken(
  ctx: OAuthContext,
  source: AuditSource,
  client: OAuthClientsTable,
  request: TokenRequest,
): Promise<TokenResponse> {
  switch (request.grant_type) {
    case "client_credentials":
      return clientCredentialsGrant(ctx, client, request);
    case "refresh_token":
      return refreshTokenGrant(ctx, source, client, request);
    default:
      throw new ProblemError("oauth.unsupported_grant_type");
  }
}
