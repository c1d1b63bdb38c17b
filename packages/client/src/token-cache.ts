/**
 * Re-using a minted token until shortly before it expires, so a page that makes many
 * requests signs once every few minutes instead of once per request.
 * @module
 */

import type { MintedDeviceToken } from "./token.ts";

/**
 * Options for {@link createTokenCache}.
 * @example
 * createTokenCache({ mint, now: Date.now, refreshMarginMs: 60_000 });
 * @example
 * const token = await cache.get();
 * cache.invalidate(); // after the server said token.expired
 */
export interface TokenCacheOptions {
  /** Mints a new token; called when there is no cached token fresh enough. */
  readonly mint: () => Promise<MintedDeviceToken>;
  /** The current time in milliseconds since the epoch. */
  readonly now: () => number;
  /** A cached token is replaced once it has less than this many milliseconds left. */
  readonly refreshMarginMs: number;
}

/** A cache holding at most one token. */
export interface TokenCache {
  /** Returns the cached token when fresh enough, otherwise mints (once, for all callers). */
  get(): Promise<string>;
  /** Forgets the cached token (and any token being minted), e.g. after the server refused it. */
  invalidate(): void;
}

/**
 * Creates a {@link TokenCache}. Concurrent `get()` calls share one mint.
 *
 * @param options how to mint, the clock, and the refresh margin
 * @example
 * const cache = createTokenCache({
 *   mint: () => mintDeviceToken({ ...key, audience: "keyship:http", lifetimeSeconds: 300, nowMs: Date.now() }),
 *   now: Date.now,
 *   refreshMarginMs: 60_000,
 * });
 * const token = await cache.get(); // minted
 * await cache.get(); // the same token, until 60 s before it expires
 */
export function createTokenCache(options: TokenCacheOptions): TokenCache {
  let cached: MintedDeviceToken | undefined;
  let minting: Promise<MintedDeviceToken> | undefined;
  let generation = 0;

  const isFresh = (token: MintedDeviceToken): boolean =>
    options.now() < token.expiresAtMs - options.refreshMarginMs;

  return {
    async get() {
      if (cached !== undefined && isFresh(cached)) return cached.token;
      if (minting === undefined) {
        const started = generation;
        const pending = options.mint();
        minting = pending;
        const settle = (): void => {
          if (minting === pending) minting = undefined;
        };
        // An invalidate() while minting wins: the late token is handed out once, never cached.
        pending.then((token) => {
          if (generation === started) cached = token;
          settle();
        }, settle);
      }
      return (await minting).token;
    },
    invalidate() {
      generation += 1;
      cached = undefined;
      minting = undefined;
    },
  };
}
