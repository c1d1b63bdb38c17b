/**
 * The cache both token verifiers (device tokens, access tokens) keep: the subjects tokens
 * speak for (a device, a session) and the tokens verified for them.
 * @module
 */
import type { Principal } from "../auth/principal.ts";
import { createLruCache, createTokenCache } from "./lru.ts";

/** What a verified token stands for: a device or a session, and the principal it yields. */
export interface CachedSubject {
  /** The device or session id. */
  readonly id: string;
  readonly principal: Principal;
}

/** Options of {@link createVerifiedTokenCache}. */
export interface VerifiedTokenCacheOptions {
  /** Most subjects, and most tokens, kept. 0 disables the cache. */
  readonly max: number;
  /**
   * How long a subject is trusted without reading the database again, in ms. 0 disables the
   * cache. A function is asked each time a subject is remembered (the change feed shortens
   * it while it is not listening).
   */
  readonly subjectTtlMs: number | (() => number);
  /** The clock in milliseconds. */
  readonly now: () => number;
}

/**
 * Subjects and the tokens verified for them. A token stays warm while its subject's entry is
 * the very one it was verified against: forgetting or replacing the subject (revocation, a
 * changed user) makes every token of it cold at once, without walking the token cache.
 */
export interface VerifiedTokenCache<S extends CachedSubject> {
  /** The subject with `id`, while trusted. */
  subject(id: string): S | undefined;
  /** Trusts `subject` for the subject TTL. */
  rememberSubject(subject: S): void;
  /**
   * The subject of a token verified before for `tag` (e.g. its audience), without decoding it;
   * undefined on a miss, for another tag, or when the subject was forgotten since.
   */
  lookup(token: string, tag?: string): S | undefined;
  /** Remembers that `token` was verified for `subject` and `tag`, until `expiresAtMs`. */
  rememberToken(token: string, subject: S, expiresAtMs: number, tag?: string): void;
  /** Forgets a subject and its tokens (after revoking it). */
  forgetSubject(id: string): void;
  /** Forgets every subject of a user and their tokens (after a role, scope or status change). */
  forgetUser(userId: string): void;
  /** Forgets every subject (changes may have been missed). */
  forgetAll(): void;
}

interface TokenEntry<S> {
  readonly subject: S;
  readonly tag: string;
}

/**
 * Creates the cache of one verifier.
 * @example const cache = createVerifiedTokenCache<DeviceEntry>({ max: 10_000, subjectTtlMs: 30_000, now: Date.now });
 */
export function createVerifiedTokenCache<S extends CachedSubject>(
  options: VerifiedTokenCacheOptions,
): VerifiedTokenCache<S> {
  const { now } = options;
  const ttl = options.subjectTtlMs;
  const subjectTtlMs = typeof ttl === "number" ? () => ttl : ttl;
  const max = subjectTtlMs() === 0 ? 0 : options.max;
  const subjects = createLruCache<string, S>({ max, now });
  const tokens = createTokenCache<TokenEntry<S>>({ max, now });
  return {
    subject: (id) => subjects.get(id),
    rememberSubject(subject) {
      subjects.set(subject.id, subject, now() + subjectTtlMs());
    },
    lookup(token, tag = "") {
      const hit = tokens.get(token);
      return hit !== undefined && hit.tag === tag && subjects.get(hit.subject.id) === hit.subject
        ? hit.subject
        : undefined;
    },
    rememberToken(token, subject, expiresAtMs, tag = "") {
      tokens.set(token, { subject, tag }, expiresAtMs);
    },
    // Tokens of a forgotten subject stay in their cache until pushed out, but never hit again.
    forgetSubject(id) {
      subjects.delete(id);
    },
    forgetUser(userId) {
      subjects.deleteWhere((subject) => subject.principal.userId === userId);
    },
    forgetAll() {
      subjects.clear();
    },
  };
}
