/**
 * Token introspection (RFC 7662) and revocation (RFC 7009) for authenticated clients.
 *
 * Introspection answers for any access token this server issued (a user's or a client's),
 * and for the calling client's own refresh tokens; anything else, including a token that is
 * expired, revoked or not ours, is `{ active: false }`. Revocation works per family, the unit
 * keyship revokes everywhere: a client's refresh token or access token ends its family.
 * @module
 */
import { decodeJwt } from "jose";
import type { AuditSource } from "../audit/model.ts";
import { recordAudit } from "../audit/service.ts";
import type { OAuthClientsTable } from "../db/schema.ts";
import { ProblemError } from "../errors.ts";
import { ID_PREFIX } from "../ids.ts";
import { hashRefreshToken, REFRESH_TOKEN_PATTERN, sameHash } from "../sessions/issue.ts";
import type { SessionTokenVerifier } from "../sessions/verifier.ts";
import { parseScopes } from "../users/model.ts";
import type { OAuthContext } from "./credentials.ts";
import {
  findClientSessionByRefreshHash,
  replaceClientFamily,
  revokeClientFamily,
} from "./store.ts";
import type { ClientTokenVerifier } from "./verifier.ts";

/** What introspection verifies access tokens with: the instance's verifiers (their caches). */
export type IntrospectionContext = OAuthContext & {
  readonly sessionTokens: Pick<SessionTokenVerifier, "verify">;
  readonly clientTokens: Pick<ClientTokenVerifier, "isClientToken" | "verify">;
};

/** RFC 7662 §2.2: the introspection response. */
export interface IntrospectionResponse {
  readonly active: boolean;
  readonly scope?: string;
  readonly client_id?: string;
  readonly sub?: string;
  readonly exp?: number;
  readonly iat?: number;
  readonly iss?: string;
  readonly token_type?: "Bearer" | "DPoP" | "refresh_token";
  /** RFC 9449 §6.2: the key a DPoP-bound token is bound to. */
  readonly cnf?: { readonly jkt: string };
}

const INACTIVE: IntrospectionResponse = Object.freeze({ active: false });

const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/** The caller's refresh-token row for `token`, when it is one and still usable. */
async function liveRefreshRow(ctx: OAuthContext, caller: OAuthClientsTable, token: string) {
  if (!REFRESH_TOKEN_PATTERN.test(token)) return undefined;
  const hash = hashRefreshToken(token);
  const row = await findClientSessionByRefreshHash(ctx.db, hash);
  const usable =
    row !== undefined &&
    sameHash(row.refresh_hash, hash) &&
    row.client_id === caller.id &&
    row.rotated_at === null &&
    row.revoked_at === null &&
    row.expires_at > ctx.now().toISOString();
  return usable ? row : undefined;
}

/** The `cnf.jkt` of unverified claims, if it is a string (verification then checks it). */
function dpopKeyOf(cnf: unknown): string | undefined {
  const jkt = typeof cnf === "object" && cnf !== null ? (cnf as { jkt?: unknown }).jkt : undefined;
  return typeof jkt === "string" ? jkt : undefined;
}

/** Verifies an access token fully (signature, expiry, revocation, its owner); undefined if refused. */
async function verifiedAccess(ctx: IntrospectionContext, token: string) {
  try {
    const isClient = ctx.clientTokens.isClientToken(token);
    const claims = decodeJwt(token);
    // A DPoP-bound token is described, not used: it is checked against its own cnf.jkt.
    const jkt = isClient ? undefined : dpopKeyOf(claims.cnf);
    const principal = await (isClient
      ? ctx.clientTokens.verify(token)
      : ctx.sessionTokens.verify(token, jkt));
    return { principal, claims, jkt };
  } catch (error) {
    if (error instanceof ProblemError) return undefined;
    throw error;
  }
}

/**
 * Introspects a token for an authenticated client.
 * @param caller the authenticated client
 * @param token the token to describe
 */
export async function introspectToken(
  ctx: IntrospectionContext,
  caller: OAuthClientsTable,
  token: string,
): Promise<IntrospectionResponse> {
  if (token.includes(".")) {
    const verified = await verifiedAccess(ctx, token);
    if (verified === undefined) return INACTIVE;
    const { principal, claims, jkt } = verified;
    return {
      active: true,
      // The scopes the token grants now: a user's from the user row, a client's from the token
      // within the client's current ones.
      scope: principal.scopes.join(" "),
      ...(typeof claims.client_id === "string" ? { client_id: claims.client_id } : {}),
      sub: principal.userId,
      ...(claims.exp === undefined ? {} : { exp: claims.exp }),
      ...(claims.iat === undefined ? {} : { iat: claims.iat }),
      ...(claims.iss === undefined ? {} : { iss: claims.iss }),
      ...(jkt === undefined ? { token_type: "Bearer" } : { token_type: "DPoP", cnf: { jkt } }),
    };
  }
  const row = await liveRefreshRow(ctx, caller, token);
  if (row === undefined) return INACTIVE;
  const current = new Set(parseScopes(caller.scopes));
  return {
    active: true,
    scope: parseScopes(row.scopes)
      .filter((scope) => current.has(scope))
      .join(" "),
    client_id: caller.id,
    sub: caller.id,
    exp: seconds(row.expires_at),
    iat: seconds(row.created_at),
    token_type: "refresh_token",
  };
}

/** The family of one of the caller's own tokens (an access or a refresh token), if any. */
async function familyOf(
  ctx: IntrospectionContext,
  caller: OAuthClientsTable,
  token: string,
): Promise<string | undefined> {
  if (!token.includes(".")) return (await liveRefreshRow(ctx, caller, token))?.family_id;
  if (!ctx.clientTokens.isClientToken(token)) return undefined;
  try {
    const claims = await ctx.sessions.issuer.verifyAccess(token);
    return claims.sub === caller.id ? claims.sid : undefined;
  } catch (error) {
    // Expired, revoked already, or not ours: nothing to revoke (RFC 7009 §2.2).
    if (error instanceof ProblemError) return undefined;
    throw error;
  }
}

/**
 * Revokes one of the caller's tokens with its family (RFC 7009 §2.1: revoking an access token
 * may revoke what it came from). A client-credentials access token ends every access token of
 * the client's client-credentials family: the client simply asks for a new one. Anything that
 * is not the caller's live token is ignored (RFC 7009 §2.2 answers 200 alike).
 * @param caller the authenticated client
 * @param token an access token or a refresh token of the caller
 */
export async function revokeToken(
  ctx: IntrospectionContext,
  source: AuditSource,
  caller: OAuthClientsTable,
  token: string,
): Promise<void> {
  const familyId = await familyOf(ctx, caller, token);
  if (familyId === undefined) return;
  const revoked = await ctx.db.transaction().execute(async (trx) => {
    const nowIso = ctx.now().toISOString();
    const changed = familyId.startsWith(ID_PREFIX.family)
      ? await replaceClientFamily(trx, {
          id: caller.id,
          previous: familyId,
          familyId: ctx.newId("family"),
        })
      : await revokeClientFamily(trx, { familyId, clientId: caller.id, nowIso });
    if (changed === 0) return false;
    await recordAudit(trx, ctx, source, {
      action: "client.token_revoked",
      targetType: "client",
      targetId: caller.id,
      data: { familyId },
    });
    return true;
  });
  if (revoked) ctx.sessions.revocations.revoke([familyId]);
}
