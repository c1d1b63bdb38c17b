/**
 * Verification of API keys (`ksk_…`) on the hot path.
 *
 * Cold: the shape and checksum first (`parseApiKey()`, no I/O), then one read by the key's
 * SHA-256 with its owner, checked in constant time against the current or, after a roll, the
 * previous secret; then revocation, the owner's status and expiry. The principal is
 * `via: "apikey"`, role `user` (an admin's key is no admin), and the scopes the key names that
 * its owner still holds. Warm: the exact key string in `cache/verified-tokens.ts`, until the
 * key (or its previous secret) expires, and its owner's entry for `authCacheTtlSeconds`;
 * revoking or rolling a key and changing its owner in this process forget it at once.
 * Neither path writes: the per-key limit counts in memory (`limit.ts`) and last-used times are
 * written in batches (`usage.ts`).
 * @module
 */
import type { Principal } from "../auth/principal.ts";
import { type CachedSubject, createVerifiedTokenCache } from "../cache/verified-tokens.ts";
import { type KeyshipContext, millisecondsOf } from "../context.ts";
import { withSpan } from "../observability/tracing.ts";
import type { RateLimitStore } from "../ratelimit/store.ts";
import { TokenError } from "../tokens/errors.ts";
import { parseScopes } from "../users/model.ts";
import { createApiKeyLimit } from "./limit.ts";
import { effectiveScopes, hashApiKey, isSameHash, parseApiKey } from "./model.ts";
import { type ApiKeyWithOwner, findApiKeyByHash } from "./store.ts";
import { createApiKeyUsage } from "./usage.ts";

/** Verifies API keys and keeps its cache coherent. Built once per keyship instance. */
export interface ApiKeyVerifier {
  /**
   * The principal of a key verified before (warm cache), without any I/O; undefined on a miss.
   * @throws ApiKeyRateLimited (429 `rate_limited`) when the key is over its limit
   */
  cached(key: string): Principal | undefined;
  /**
   * Verifies a key fully.
   * @throws TokenError `token.invalid` (malformed, bad checksum, unknown, disabled owner),
   *   `token.revoked`, `token.expired` (the key, or a rolled key's previous secret)
   * @throws ApiKeyRateLimited (429 `rate_limited`) when the key is over its limit
   */
  verify(key: string): Promise<Principal>;
  /** Forgets a key (after revoking or rolling it). */
  invalidateKey(keyId: string): void;
  /** Forgets every key of a user (after a role, scope or status change). */
  invalidateUser(userId: string): void;
  /** Forgets every key (the change feed may have missed changes). */
  invalidateAll(): void;
  /** Writes the pending last-used times and stops the timer. */
  close(): Promise<void>;
}

function invalid(reason: string): TokenError {
  return new TokenError("token.invalid", { cause: new Error(reason) });
}

/**
 * Judges a key row found by `hash`: which secret matched, and whether it may be used now.
 * @returns the principal and until when this secret may be used (epoch ms)
 * @throws TokenError
 */
function judge(
  row: ApiKeyWithOwner | undefined,
  hash: string,
  nowMs: number,
): { principal: Principal; usableUntil: number } {
  if (row === undefined) throw invalid("unknown key");
  // SECURITY.md: compare hashes in constant time.
  const isCurrent = isSameHash(row.secretHash, hash);
  if (!isCurrent && (row.previousHash === null || !isSameHash(row.previousHash, hash))) {
    throw invalid("hash mismatch");
  }
  if (row.revokedAt !== null) throw new TokenError("token.revoked");
  // SECURITY: a disabled owner's keys are refused on the very next request.
  if (row.disabledAt !== null) throw invalid("disabled user");
  const expiresAt = row.expiresAt === null ? Number.POSITIVE_INFINITY : Date.parse(row.expiresAt);
  // A rolled key's previous secret works until previous_until, and never past the key's expiry.
  const previousUntil = row.previousUntil === null ? 0 : Date.parse(row.previousUntil);
  const usableUntil = isCurrent ? expiresAt : Math.min(expiresAt, previousUntil);
  if (usableUntil <= nowMs) throw new TokenError("token.expired");
  const principal: Principal = Object.freeze({
    userId: row.userId,
    // A key acts as a plain user whatever its owner's role: admin access needs a person.
    role: "user",
    scopes: Object.freeze(effectiveScopes(parseScopes(row.scopes), parseScopes(row.ownerScopes))),
    via: "apikey",
    keyId: row.id,
  });
  return { principal, usableUntil };
}

/**
 * Creates the API-key verifier of a keyship instance.
 * @param ctx database, settings (cache size and TTL, `rateLimitApiKey`), clock and logger
 * @param rateLimitStore the instance's rate-limit store @default a memory store of its own
 */
export function createApiKeyVerifier(
  ctx: Pick<KeyshipContext, "db" | "settings" | "now" | "logger" | "changes">,
  rateLimitStore?: RateLimitStore,
): ApiKeyVerifier {
  const nowMs = millisecondsOf(ctx.now);
  const cache = createVerifiedTokenCache<CachedSubject>({
    max: ctx.settings.authCacheSize,
    subjectTtlMs: ctx.changes.trustMs(ctx.settings.authCacheTtlSeconds * 1000),
    now: nowMs,
  });
  const limit = createApiKeyLimit(ctx, rateLimitStore, nowMs);
  const usage = createApiKeyUsage(ctx);

  /** Counts the request against the key's limit and notes its use; no I/O. */
  function admit(subject: CachedSubject): Principal {
    limit.admit(subject.id, subject.principal.userId);
    usage.record(subject.id, nowMs());
    return subject.principal;
  }

  async function verifyFully(key: string): Promise<Principal> {
    // Refused before any lookup: a malformed key or a wrong checksum costs no I/O.
    if (parseApiKey(key) === undefined) throw invalid("malformed key or checksum");
    const hash = hashApiKey(key);
    const { principal, usableUntil } = judge(await findApiKeyByHash(ctx.db, hash), hash, nowMs());
    const subject: CachedSubject = { id: principal.keyId as string, principal };
    cache.rememberSubject(subject);
    cache.rememberToken(key, subject, usableUntil);
    return admit(subject);
  }

  function cached(key: string): Principal | undefined {
    const hit = cache.lookup(key);
    return hit === undefined ? undefined : admit(hit);
  }

  return {
    cached,
    async verify(key) {
      const warm = cached(key);
      if (warm !== undefined) return warm;
      return withSpan("keyship.token.verify", { "keyship.token.kind": "apikey" }, () =>
        verifyFully(key),
      );
    },
    invalidateKey: (keyId) => cache.forgetSubject(keyId),
    invalidateUser: (userId) => cache.forgetUser(userId),
    invalidateAll: () => cache.forgetAll(),
    close: () => usage.stop(),
  };
}
