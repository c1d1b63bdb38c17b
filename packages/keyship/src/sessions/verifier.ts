/**
 * Verification of access tokens (`typ: at+jwt`, `sid` = session id) on the hot path.
 *
 * The {@link TokenIssuer} checks the signature, algorithm, `kid`, `typ`, `iss`, `aud`, `exp`,
 * `iat` and the revocation list. The session's owner (role, scopes, status) is cached (bounded,
 * `authCacheTtlSeconds`), and a verified token is cached until its `exp`, so a warm request
 * never touches the database; revocation in this process applies at once through the
 * revocation list.
 * @module
 */
import { decodeProtectedHeader } from "jose";
import { createLruCache, createTokenCache } from "../cache/lru.ts";
import { type KeyshipContext, millisecondsOf } from "../context.ts";
import { ProblemError } from "../errors.ts";
import { INVALID_TOKEN_CHALLENGE } from "../guards/authenticate.ts";
import type { Principal } from "../http/variables.ts";
import { withSpan } from "../observability/tracing.ts";
import { TokenError } from "../tokens/errors.ts";
import { principalOf } from "../users/model.ts";
import { findLiveSessionOwner } from "./store.ts";

interface SessionEntry {
  readonly sessionId: string;
  readonly principal: Principal;
}

interface TokenEntry {
  readonly session: SessionEntry;
}

/** Verifies access tokens and keeps its caches coherent. Built once per keyship instance. */
export interface SessionTokenVerifier {
  /**
   * Verifies an access token. Returns undefined when `token` is not one of ours (its header
   * `typ` is neither `at+jwt` nor `refresh+jwt`), so other verifiers may try it.
   * @throws ProblemError `token.invalid`, `token.expired`, `token.revoked`, `token.wrong_type`
   *   (401, `WWW-Authenticate: Bearer error="invalid_token"`)
   */
  verify(token: string): Promise<Principal | undefined>;
  /**
   * The principal of a token verified before (warm cache), without decoding it; undefined on
   * a miss. Lets `authenticate()` answer warm access tokens before trying other verifiers.
   * @throws ProblemError `token.revoked` when its session was revoked since
   */
  cached(token: string): Principal | undefined;
  /** Forgets cached owners of a user's sessions (after a role, scope or status change). */
  invalidateUser(userId: string): void;
}

const OUR_TYPES = new Set(["at+jwt", "refresh+jwt"]);

// RFC 6750 §3.1: every refusal of a bearer token says invalid_token.
function refused(code: ProblemError["code"], cause?: unknown): ProblemError {
  const challenge =
    code === "token.expired"
      ? `${INVALID_TOKEN_CHALLENGE}, error_description="expired"`
      : INVALID_TOKEN_CHALLENGE;
  return new ProblemError(code, { headers: { "WWW-Authenticate": challenge }, cause });
}

function isOurs(token: string): boolean {
  try {
    const { typ } = decodeProtectedHeader(token);
    return (
      typeof typ === "string" && OUR_TYPES.has(typ.toLowerCase().replace(/^application\//, ""))
    );
  } catch {
    return false;
  }
}

/**
 * Creates the access-token verifier of a keyship instance.
 * @param ctx database, settings (cache size and TTL), clock and the session runtime
 */
export function createSessionTokenVerifier(
  ctx: Pick<KeyshipContext, "db" | "settings" | "now" | "sessions">,
): SessionTokenVerifier {
  const nowMs = millisecondsOf(ctx.now);
  const ttlMs = ctx.settings.authCacheTtlSeconds * 1000;
  const size = ttlMs === 0 ? 0 : ctx.settings.authCacheSize;
  const sessions = createLruCache<string, SessionEntry>({ max: size, now: nowMs });
  const tokens = createTokenCache<TokenEntry>({ max: size, now: nowMs });
  const { issuer, revocations } = ctx.sessions;

  async function loadSession(sessionId: string, userId: string): Promise<SessionEntry> {
    const cached = sessions.get(sessionId);
    if (cached === undefined) {
      const owner = await findLiveSessionOwner(ctx.db, sessionId);
      // Revoked by another process: the database says so within the cache TTL.
      if (owner === undefined) throw refused("token.revoked");
      if (owner.disabledAt !== null) throw refused("token.invalid", "disabled user");
      const entry: SessionEntry = {
        sessionId,
        principal: principalOf(owner, { via: "session", sessionId }),
      };
      sessions.set(sessionId, entry, nowMs() + ttlMs);
      return checkOwner(entry, userId);
    }
    return checkOwner(cached, userId);
  }

  function checkOwner(entry: SessionEntry, userId: string): SessionEntry {
    // SECURITY: the session decides who the caller is; a token naming someone else is refused.
    if (entry.principal.userId !== userId) throw refused("token.invalid", "sub is not the owner");
    return entry;
  }

  async function verifyFully(token: string): Promise<{ session: SessionEntry; exp: number }> {
    let claims: Awaited<ReturnType<typeof issuer.verifyAccess>>;
    try {
      claims = await issuer.verifyAccess(token);
    } catch (error) {
      if (error instanceof TokenError) throw refused(error.code, error);
      throw error;
    }
    if (claims.sid === undefined) throw refused("token.invalid", "no sid");
    return { session: await loadSession(claims.sid, claims.sub), exp: claims.exp };
  }

  // Hot path: a token verified before stays valid while its session is not revoked and its
  // cache entry is the same one, until its exp.
  function cached(token: string): Principal | undefined {
    const hit = tokens.get(token);
    if (hit === undefined) return undefined;
    const { sessionId } = hit.session;
    if (revocations.isRevoked(sessionId)) throw refused("token.revoked");
    return sessions.get(sessionId) === hit.session ? hit.session.principal : undefined;
  }

  return {
    cached,
    async verify(token) {
      const warm = cached(token);
      if (warm !== undefined) return warm;
      if (!isOurs(token)) return undefined;
      const verified = await withSpan(
        "keyship.token.verify",
        { "keyship.token.kind": "access" },
        () => verifyFully(token),
      );
      tokens.set(token, { session: verified.session }, verified.exp * 1000);
      return verified.session.principal;
    },
    invalidateUser(userId) {
      sessions.deleteWhere((entry) => entry.principal.userId === userId);
      tokens.deleteWhere((entry) => entry.session.principal.userId === userId);
    },
  };
}
