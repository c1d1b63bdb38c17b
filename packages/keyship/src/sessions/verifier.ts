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
import { decodeJwt, decodeProtectedHeader } from "jose";
import type { Principal } from "../auth/principal.ts";
import { type CachedSubject, createVerifiedTokenCache } from "../cache/verified-tokens.ts";
import { isClientTokenClaims } from "../clients/model.ts";
import { type KeyshipContext, millisecondsOf } from "../context.ts";
import { boundTokenProblem } from "../dpop/proof.ts";
import { ProblemError } from "../errors.ts";
import { withSpan } from "../observability/tracing.ts";
import { TokenError } from "../tokens/errors.ts";
import { principalOf } from "../users/model.ts";
import { findLiveSessionOwner, type SessionOwner } from "./store.ts";

/**
 * The session id the request's valid DBSC-bound cookie proves, if any. Asked lazily: only for
 * a session bound with DBSC, so the others pay nothing for it.
 */
export type BoundCookieProof = () => string | undefined;

/** Verifies access tokens and keeps its caches coherent. Built once per keyship instance. */
export interface SessionTokenVerifier {
  /**
   * Is this one of our server-issued user tokens? True when its header `typ` is `at+jwt` or
   * `refresh+jwt` (a refresh token is then refused as `token.wrong_type`) and it is not an
   * OAuth client's (`client_id` = `sub`); not verified.
   */
  isSessionToken(token: string): boolean;
  /**
   * Verifies an access token. A DPoP-bound one (`cnf.jkt`) only with `dpopJkt`, the key of
   * the request's verified proof, equal to its `cnf.jkt`. A bound token is cached under its
   * key (the cache's tag), so it is answered warm only for a request whose proof of that same
   * key was verified, never for one without a proof (as `Bearer`) or with another key.
   * @param dpopJkt the key thumbprint of the request's verified DPoP proof
   * @throws TokenError `token.invalid`, `token.expired`, `token.revoked`, `token.wrong_type`
   * @throws ProblemError `dpop.proof_required` (a bound token without a proof: a `Bearer`
   *   downgrade), `dpop.key_mismatch` (a proof by another key), `dbsc.bound_cookie_required`
   *   (a token of a DBSC-bound session: it is honoured only with the bound cookie)
   */
  verify(token: string, dpopJkt?: string): Promise<Principal>;
  /**
   * Verifies an access token sent in its cookie: as {@link verify}, but a token of a
   * DBSC-bound session is honoured when `bound` proves that very session.
   * @throws TokenError and ProblemError as {@link verify}
   */
  verifyCookie(token: string, bound: BoundCookieProof): Promise<Principal>;
  /**
   * The principal of a token verified before (warm cache), without decoding it; undefined on
   * a miss.
   * @param bound the request's bound cookie, for a token sent in its cookie
   * @throws TokenError `token.revoked` when its session was revoked since
   * @throws ProblemError `dbsc.bound_cookie_required` for a DBSC-bound session's token
   *   without its bound cookie
   */
  cached(token: string, bound?: BoundCookieProof): Principal | undefined;
  /** Forgets cached owners of a user's sessions (after a role, scope or status change). */
  invalidateUser(userId: string): void;
  /** Forgets a session's cached owner (it was revoked, maybe by another process). */
  invalidateSession(sessionId: string): void;
  /** Forgets every session (the change feed may have missed changes). */
  invalidateAll(): void;
}

const OUR_TYPES = new Set(["at+jwt", "refresh+jwt"]);

/** A session as the cache keeps it: an impersonation session also ends at `until` (ms). */
interface SessionSubject extends CachedSubject {
  readonly until?: number;
  /** Bound with DBSC: its tokens need the bound cookie. */
  readonly dbsc?: true;
}

/**
 * A DBSC-bound session is honoured only with a valid bound cookie of its own: a copy of the
 * long-lived cookies (or of the access token, sent as Bearer) alone no longer works.
 */
function checkBoundCookie(session: SessionSubject, bound: BoundCookieProof | undefined): void {
  if (session.dbsc === true && (bound === undefined || bound() !== session.id)) {
    throw new ProblemError("dbsc.bound_cookie_required", {
      cause: new Error("DBSC-bound session without its bound cookie"),
    });
  }
}

function isSessionToken(token: string): boolean {
  try {
    const { typ } = decodeProtectedHeader(token);
    return (
      typeof typ === "string" &&
      OUR_TYPES.has(typ.toLowerCase().replace(/^application\//, "")) &&
      // An OAuth client's token is the client verifier's (clients/verifier.ts).
      !isClientTokenClaims(decodeJwt(token))
    );
  } catch {
    return false;
  }
}

/** The `cnf.jkt` of a token's claims (RFC 9449 §6.1), or undefined when it is not bound. */
function boundKeyOf(cnf: unknown): string | undefined {
  if (cnf === undefined) return undefined;
  const jkt = typeof cnf === "object" && cnf !== null ? (cnf as { jkt?: unknown }).jkt : undefined;
  if (typeof jkt !== "string") throw new TokenError("token.invalid", { cause: new Error("cnf") });
  return jkt;
}

/**
 * A bound token needs a proof of its key; an unbound one is never sent as DPoP.
 * @returns whether the token is bound
 */
function checkBinding(bound: string | undefined, dpopJkt: string | undefined): boolean {
  if (bound === undefined) {
    if (dpopJkt !== undefined) {
      throw new TokenError("token.invalid", { cause: new Error("not a DPoP-bound token") });
    }
    return false;
  }
  if (dpopJkt === undefined) {
    throw boundTokenProblem("dpop.proof_required", "a DPoP-bound token sent without a proof");
  }
  if (dpopJkt !== bound) throw boundTokenProblem("dpop.key_mismatch", "cnf.jkt differs");
  return true;
}

/** A verified access token: its session, when it stops being valid, and whether it is bound. */
interface Verified {
  readonly session: SessionSubject;
  readonly exp: number;
  readonly bound: boolean;
}

/** The cache entry of a live session, from its owner's row. */
function subjectOf(sessionId: string, owner: SessionOwner): SessionSubject {
  if (owner.disabledAt !== null) {
    throw new TokenError("token.invalid", { cause: new Error("disabled user") });
  }
  const impersonated =
    owner.impersonatorId === null ? {} : { impersonatorId: owner.impersonatorId };
  return {
    id: sessionId,
    principal: principalOf(owner, { via: "session", sessionId, ...impersonated }),
    ...(owner.impersonatorId === null ? {} : { until: Date.parse(owner.expiresAt) }),
    ...(owner.dbscSessionId === null ? {} : { dbsc: true as const }),
  };
}

/**
 * Creates the access-token verifier of a keyship instance.
 * @param ctx database, settings (cache size and TTL), clock and the session runtime
 */
export function createSessionTokenVerifier(
  ctx: Pick<KeyshipContext, "db" | "settings" | "now" | "sessions" | "changes">,
): SessionTokenVerifier {
  const cache = createVerifiedTokenCache<SessionSubject>({
    max: ctx.settings.authCacheSize,
    subjectTtlMs: ctx.changes.trustMs(ctx.settings.authCacheTtlSeconds * 1000),
    now: millisecondsOf(ctx.now),
  });
  const { issuer, revocations } = ctx.sessions;

  async function loadSession(sessionId: string): Promise<SessionSubject> {
    const cached = cache.subject(sessionId);
    if (cached !== undefined) return cached;
    const owner = await findLiveSessionOwner(ctx.db, sessionId);
    // Revoked by another process: the database says so within the cache TTL.
    if (owner === undefined) throw new TokenError("token.revoked");
    const entry = subjectOf(sessionId, owner);
    cache.rememberSubject(entry);
    return entry;
  }

  async function verifyFully(token: string, dpopJkt: string | undefined): Promise<Verified> {
    const claims = await issuer.verifyAccess(token);
    if (claims.sid === undefined || isClientTokenClaims(claims)) {
      throw new TokenError("token.invalid", { cause: new Error("no sid, or a client's token") });
    }
    const bound = checkBinding(boundKeyOf(claims.cnf), dpopJkt);
    const session = await loadSession(claims.sid);
    // SECURITY: the session decides who the caller is; a token naming someone else is refused.
    if (session.principal.userId !== claims.sub) {
      throw new TokenError("token.invalid", { cause: new Error("sub is not the owner") });
    }
    // An impersonation session ends at its own time, whatever the token's exp says.
    if (session.until !== undefined && session.until <= ctx.now().getTime()) {
      throw new TokenError("token.expired");
    }
    return {
      session,
      exp: Math.min(claims.exp, (session.until ?? Number.POSITIVE_INFINITY) / 1000),
      bound,
    };
  }

  // Hot path: a token verified before stays valid while its session is not revoked and its
  // cache entry is the same one, until its exp.
  function cached(token: string, bound?: BoundCookieProof, dpopJkt = ""): Principal | undefined {
    const hit = cache.lookup(token, dpopJkt);
    if (hit === undefined) return undefined;
    if (revocations.isRevoked(hit.id)) throw new TokenError("token.revoked");
    checkBoundCookie(hit, bound);
    return hit.principal;
  }

  async function verify(token: string, dpopJkt?: string, bound?: BoundCookieProof) {
    // SECURITY: `dpopJkt` is the key of this request's verified proof; a bound token's entry
    // carries its cnf.jkt as the tag, so only a proof of that key finds it.
    const warm = cached(token, bound, dpopJkt);
    if (warm !== undefined) return warm;
    const verified = await withSpan(
      "keyship.token.verify",
      { "keyship.token.kind": dpopJkt === undefined ? "access" : "dpop" },
      () => verifyFully(token, dpopJkt),
    );
    const tag = verified.bound ? dpopJkt : undefined;
    cache.rememberToken(token, verified.session, verified.exp * 1000, tag);
    checkBoundCookie(verified.session, bound);
    return verified.session.principal;
  }

  return {
    isSessionToken,
    // Warm paths without a proof: a bound token's entry (tagged with its key) never matches.
    cached: (token, bound) => cached(token, bound),
    verify: (token, dpopJkt) => verify(token, dpopJkt),
    verifyCookie: (token, bound) => verify(token, undefined, bound),
    invalidateUser: (userId) => cache.forgetUser(userId),
    invalidateSession: (sessionId) => cache.forgetSubject(sessionId),
    invalidateAll: () => cache.forgetAll(),
  };
}
