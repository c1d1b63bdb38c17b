/**
 * Verification of client access tokens (`typ: at+jwt`, `sub` = `client_id` = the client id,
 * `sid` = the token's family) on the hot path.
 *
 * The {@link TokenIssuer} checks the signature, algorithm, `kid`, `typ`, `iss`, `aud`, `exp`,
 * `iat` and the revocation list; this adds the family's owner (a live client, a family that
 * is not revoked) and turns the token's `scope` into the principal's scopes, never beyond the
 * client's current ones. Families are cached for `authCacheTtlSeconds` and verified tokens
 * until their `exp`, so a warm request never touches the database; revocation in this process
 * applies at once through the revocation list.
 * @module
 */
import { decodeJwt } from "jose";
import type { Principal } from "../auth/principal.ts";
import { createLruCache, createTokenCache } from "../cache/lru.ts";
import { type KeyshipContext, millisecondsOf } from "../context.ts";
import { ID_PREFIX } from "../ids.ts";
import { withSpan } from "../observability/tracing.ts";
import { TokenError } from "../tokens/errors.ts";
import { parseScopes } from "../users/model.ts";
import { isClientTokenClaims, scopesOfParameter } from "./model.ts";
import { findClientByFamily, findClientByRefreshFamily } from "./store.ts";

/** Verifies client access tokens and keeps its caches. Built once per keyship instance. */
export interface ClientTokenVerifier {
  /**
   * Is this a client's access token? True when it decodes as a JWT whose `client_id` equals its
   * `sub`; not verified.
   */
  isClientToken(token: string): boolean;
  /**
   * The principal of a token verified before (warm cache), without decoding it; undefined on
   * a miss.
   * @throws TokenError `token.revoked` when its family was revoked since
   */
  cached(token: string): Principal | undefined;
  /**
   * Verifies a client access token.
   * @throws TokenError `token.invalid`, `token.expired`, `token.revoked`, `token.wrong_type`
   */
  verify(token: string): Promise<Principal>;
  /** Forgets a token family (it was revoked, maybe by another process). */
  invalidateFamily(familyId: string): void;
  /** Forgets every family of a client (it was rotated or deleted). */
  invalidateClient(clientId: string): void;
  /** Forgets every family (the change feed may have missed changes). */
  invalidateAll(): void;
}

/** A token family as the cache keeps it: its id (the tokens' `sid`) and its client. */
interface ClientFamily {
  readonly id: string;
  readonly clientId: string;
  /** The client's current scopes: a token never grants more. */
  readonly scopes: ReadonlySet<string>;
}

interface VerifiedToken {
  readonly family: ClientFamily;
  readonly principal: Principal;
}

function isClientToken(token: string): boolean {
  try {
    return isClientTokenClaims(decodeJwt(token));
  } catch {
    return false;
  }
}

/**
 * Creates the client-token verifier of a keyship instance.
 * @param ctx database, settings (cache size and TTL), clock and the session runtime
 */
export function createClientTokenVerifier(
  ctx: Pick<KeyshipContext, "db" | "settings" | "now" | "sessions" | "changes">,
): ClientTokenVerifier {
  const now = millisecondsOf(ctx.now);
  const ttlMs = ctx.changes.trustMs(ctx.settings.authCacheTtlSeconds * 1000);
  const max = ttlMs() === 0 ? 0 : ctx.settings.authCacheSize;
  const families = createLruCache<string, ClientFamily>({ max, now });
  const tokens = createTokenCache<VerifiedToken>({ max, now });
  const { issuer, revocations } = ctx.sessions;

  async function loadFamily(sid: string): Promise<ClientFamily> {
    const cached = families.get(sid);
    if (cached !== undefined) return cached;
    // A client-credentials family lives on its client's row; a refresh family in its own rows.
    const owner = sid.startsWith(ID_PREFIX.family)
      ? await findClientByFamily(ctx.db, sid)
      : await findClientByRefreshFamily(ctx.db, sid);
    // Deleted, rotated or revoked, maybe by another process: the database says so.
    if (owner === undefined) throw new TokenError("token.revoked");
    const family = {
      id: sid,
      clientId: owner.clientId,
      scopes: new Set(parseScopes(owner.scopes)),
    };
    families.set(sid, family, now() + ttlMs());
    return family;
  }

  async function verifyFully(token: string): Promise<{ entry: VerifiedToken; exp: number }> {
    const claims = await issuer.verifyAccess(token);
    if (!isClientTokenClaims(claims) || claims.sid === undefined) {
      throw new TokenError("token.invalid", { cause: new Error("not a client token") });
    }
    const family = await loadFamily(claims.sid);
    // SECURITY: the family decides who the caller is; a token naming another client is refused.
    if (family.clientId !== claims.sub) {
      throw new TokenError("token.invalid", { cause: new Error("sub is not the family's client") });
    }
    const granted = typeof claims.scope === "string" ? scopesOfParameter(claims.scope) : [];
    const principal: Principal = Object.freeze({
      userId: family.clientId,
      role: "user",
      scopes: Object.freeze(granted.filter((scope) => family.scopes.has(scope))),
      via: "client",
    });
    return { entry: { family, principal }, exp: claims.exp };
  }

  // Hot path: a token verified before stays valid while its family is not revoked and its
  // cache entry is the same one, until its exp.
  function cached(token: string): Principal | undefined {
    const hit = tokens.get(token);
    if (hit === undefined || families.get(hit.family.id) !== hit.family) return undefined;
    if (revocations.isRevoked(hit.family.id)) throw new TokenError("token.revoked");
    return hit.principal;
  }

  return {
    isClientToken,
    cached,
    async verify(token) {
      const warm = cached(token);
      if (warm !== undefined) return warm;
      const verified = await withSpan(
        "keyship.token.verify",
        { "keyship.token.kind": "client" },
        () => verifyFully(token),
      );
      tokens.set(token, verified.entry, verified.exp * 1000);
      return verified.entry.principal;
    },
    invalidateFamily: (familyId) => families.delete(familyId),
    invalidateClient: (clientId) => families.deleteWhere((family) => family.clientId === clientId),
    invalidateAll: () => families.clear(),
  };
}
