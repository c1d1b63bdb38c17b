/**
 * Optional dependencies, loaded on first use instead of at import: the Redis client, `pg`,
 * nodemailer and the like are only needed when their setting is on, and loading them all at
 * start costs every server their memory (see docs/benchmarks.md, "Idle memory").
 * @module
 */
import { createRequire } from "node:module";

const load = createRequire(import.meta.url);

/**
 * A function that loads `specifier` synchronously the first time it is called (Node's
 * `require`, which also loads ES modules) and returns the same module afterwards.
 * @param specifier the package, e.g. `"pg"`
 * @example
 * const redis = lazyModule<typeof import("redis")>("redis");
 * const client = redis().createClient({ url });
 */
export function lazyModule<T>(specifier: string): () => T {
  let loaded: T | undefined;
  return () => {
    loaded ??= load(specifier) as T;
    return loaded;
  };
}
