/**
 * A Hono router wrapper that remembers match results, for the app `createApp()` builds.
 * @module
 */
import type { Result, Router } from "hono/router";

/** Paths longer than this are matched every time, so odd long URLs cannot fill the cache. */
const MAX_CACHED_PATH = 256;

/**
 * Wraps a Hono router with a bounded cache of its match results, keyed by method and path.
 *
 * Why: keyship's routes include both `/auth/devices/revoke-others` and
 * `/auth/devices/:id/revoke`, which Hono's RegExpRouter refuses, so apps fall back to the
 * TrieRouter, whose match walks the tree on every request (measured ~0.8 µs per request with
 * keyship's ~80 routes, against ~0.03 µs for a cache hit). Match results depend only on the
 * method and path and Hono never mutates them, so reusing one is safe. When `max` distinct
 * keys are cached the cache starts over, which bounds memory whatever paths clients send.
 */
export class CachedRouter<T> implements Router<T> {
  /** Shown by Hono in diagnostics: the wrapped router's name. */
  readonly name: string;
  readonly #inner: Router<T>;
  readonly #max: number;
  readonly #results = new Map<string, Result<T>>();

  /**
   * @param inner the router doing the matching
   * @param max the most results kept. @default 1024
   */
  constructor(inner: Router<T>, max = 1024) {
    this.#inner = inner;
    this.#max = max;
    this.name = `Cached${inner.name}`;
  }

  /** Adds a route to the wrapped router and forgets every cached result. */
  add(method: string, path: string, handler: T): void {
    this.#results.clear();
    this.#inner.add(method, path, handler);
  }

  /** The wrapped router's result for `method` and `path`, from the cache when seen before. */
  match(method: string, path: string): Result<T> {
    if (path.length > MAX_CACHED_PATH) return this.#inner.match(method, path);
    // A method is an HTTP token (no spaces), so the key is unambiguous.
    const key = `${method} ${path}`;
    let result = this.#results.get(key);
    if (result === undefined) {
      result = this.#inner.match(method, path);
      if (this.#results.size >= this.#max) this.#results.clear();
      this.#results.set(key, result);
    }
    return result;
  }
}
