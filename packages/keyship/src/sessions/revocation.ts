/**
 * The revocation list: session ids whose access tokens must be refused before they expire.
 * Checked on every access-token verification, so it is in memory and never touches the
 * database. This file is the in-process variant; a Redis-backed one (pub/sub fan-out to every
 * instance) will share the {@link RevocationList} interface.
 * @module
 */
import { createLruCache } from "../cache/lru.ts";

/** Revoked sessions, remembered as long as one of their access tokens can still be alive. */
export interface RevocationList {
  /** Marks sessions revoked: their access tokens are refused from the next request on. */
  revoke(sessionIds: readonly string[]): void;
  /** True when the session was revoked and its access tokens may still be unexpired. */
  isRevoked(sessionId: string): boolean;
}

/** Options of {@link createMemoryRevocationList}. */
export interface MemoryRevocationListOptions {
  /**
   * How long an entry is kept, in seconds: the longest an access token can live (its TTL plus
   * the clock tolerance). After that every token of the session has expired anyway.
   */
  readonly ttlSeconds: number;
  /** Most entries kept; the oldest go first. @default 100_000 */
  readonly max?: number;
  /** The clock. @default () => new Date() */
  readonly now?: () => Date;
}

/**
 * An in-process revocation list: bounded, entries expire after `ttlSeconds`.
 * @example
 * const revoked = createMemoryRevocationList({ ttlSeconds: 930 });
 * revoked.revoke(["s…"]);
 * revoked.isRevoked("s…"); // true
 */
export function createMemoryRevocationList(options: MemoryRevocationListOptions): RevocationList {
  const now = options.now ?? (() => new Date());
  const entries = createLruCache<string, true>({
    max: options.max ?? 100_000,
    now: () => now().getTime(),
  });
  const ttlMs = options.ttlSeconds * 1000;
  return {
    revoke(sessionIds) {
      const until = now().getTime() + ttlMs;
      for (const id of sessionIds) entries.set(id, true, until);
    },
    isRevoked: (sessionId) => entries.get(sessionId) === true,
  };
}
