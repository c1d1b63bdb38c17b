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
  /** Results by method, then path: no per-request key string to build and hash. */
  readonly #results = new Map<string, Map<string, Result<T>>>();
  #size = 0;

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
    this.#size = 0;
    this.#inner.add(method, path, handler);
  }

  /** The wrapped router's result for `method` and `path`, from the cache when seen before. */
  match(method: string, path: string): Result<T> {
    if (path.length > MAX_CACHED_PATH) return this.#inner.match(method, path);
    let byPath = this.#results.get(method);
    let result = byPath?.get(path);
    if (result === undefined) {
      result = this.#inner.match(method, path);
      if (this.#size >= this.#max) {
        this.#results.clear();
        this.#size = 0;
        byPath = undefined;
      }
      if (byPath === undefined) {
        byPath = new Map();
        this.#results.set(method, byPath);
      }
      byPath.set(path, result);
      this.#size++;
    }
    return result;
  }
}
