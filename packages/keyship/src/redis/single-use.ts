/**
 * "Store with a lifetime, spend once" on the shared Redis: what WebAuthn challenges, OAuth
 * flows (the `state`) and OAuth one-time codes all need between two requests that may land on
 * different instances. One key per value with a TTL of its lifetime (Redis forgets it when it
 * expires), taken with `GETDEL`: atomic, so of two instances taking one key exactly one gets
 * the value.
 * @module
 */
import type { RedisConnection } from "./connection.ts";

/** When a value is saved and until when it may be taken (ISO 8601). */
export interface SingleUseTimes {
  readonly nowIso: string;
  readonly expiresAt: string;
}

/** Values of one kind under `<redisPrefix><namespace>:`, each spent at most once. */
export interface SingleUseStore<T> {
  /**
   * Stores `value` under `name` until `times.expiresAt`. A name is never reused (flow ids
   * and code hashes are random): an existing key is left as it is.
   * @throws ProblemError `service_unavailable` (503, `Retry-After`) while Redis is down
   */
  save(name: string, value: T, times: SingleUseTimes): Promise<void>;
  /**
   * Takes the value under `name` and deletes it, atomically. Unknown, already taken, or
   * expired by `nowIso` (checked on our clock too, not only by Redis's TTL): undefined.
   * @throws ProblemError `service_unavailable` (503, `Retry-After`) while Redis is down
   */
  take(name: string, nowIso: string): Promise<T | undefined>;
  /**
   * The value {@link take} would take now, read without deleting it (`GET`).
   * @throws ProblemError `service_unavailable` (503, `Retry-After`) while Redis is down
   */
  peek(name: string, nowIso: string): Promise<T | undefined>;
}

/** The stored form: the value and its expiry. */
interface Stored {
  readonly v: unknown;
  readonly e: string;
}

/** Reads a stored value back; anything else (a foreign or damaged key) is a miss. */
function parseStored(text: string | null): Stored | undefined {
  if (text === null) return undefined;
  try {
    const stored = JSON.parse(text) as Partial<Stored> | null;
    return typeof stored === "object" && stored !== null && typeof stored.e === "string"
      ? (stored as Stored)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A single-use store on the instance's connection.
 * @param redis the instance's connection
 * @param namespace the key segment after the prefix, e.g. `challenge` or `oauth:code`
 * @param isValue checks the shape of a value read back (JSON from Redis is not trusted blindly)
 * @example
 * const codes = redisSingleUseStore(redis, "oauth:code", isCodePayload);
 * await codes.save(hash, payload, { nowIso, expiresAt });
 * const once = await codes.take(hash, nowIso); // undefined the second time
 */
export function redisSingleUseStore<T>(
  redis: RedisConnection,
  namespace: string,
  isValue: (value: unknown) => value is T,
): SingleUseStore<T> {
  const keyOf = (name: string) => redis.key(`${namespace}:${name}`);
  const unexpired = (text: string | null, nowIso: string): T | undefined => {
    const stored = parseStored(text);
    return stored === undefined || stored.e <= nowIso || !isValue(stored.v) ? undefined : stored.v;
  };
  return {
    async save(name, value, times) {
      const ttlMs = Date.parse(times.expiresAt) - Date.parse(times.nowIso);
      const text = JSON.stringify({ v: value, e: times.expiresAt } satisfies Stored);
      // NX: never overwrite; PX: Redis forgets the value when it expires.
      await redis.run((client) =>
        client.set(keyOf(name), text, {
          condition: "NX",
          expiration: { type: "PX", value: Math.max(1, ttlMs) },
        }),
      );
    },
    async take(name, nowIso) {
      return unexpired(await redis.run((client) => client.getDel(keyOf(name))), nowIso);
    },
    async peek(name, nowIso) {
      return unexpired(await redis.run((client) => client.get(keyOf(name))), nowIso);
    },
  };
}

/** Names seen once within a lifetime: the first sighting wins, later ones are replays. */
export interface FirstUseMarks {
  /**
   * Marks `name` as seen for `ttlSeconds`. True the first time; false while it is marked,
   * on every instance (one `SET NX`, atomic).
   * @throws ProblemError `service_unavailable` (503, `Retry-After`) while Redis is down
   */
  first(name: string, ttlSeconds: number): Promise<boolean>;
}

/**
 * First-use marks under `<redisPrefix><namespace>:` (a DPoP proof's `jti`).
 * @param redis the instance's connection
 * @param namespace the key segment after the prefix, e.g. `dpop:jti`
 */
export function redisFirstUseMarks(redis: RedisConnection, namespace: string): FirstUseMarks {
  return {
    async first(name, ttlSeconds) {
      const set = await redis.run((client) =>
        client.set(redis.key(`${namespace}:${name}`), "1", {
          condition: "NX",
          expiration: { type: "PX", value: Math.max(1, Math.ceil(ttlSeconds * 1000)) },
        }),
      );
      return set === "OK";
    },
  };
}
