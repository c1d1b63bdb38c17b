/**
 * Challenges in Redis, shared by every instance: one key per challenge with a TTL of its
 * lifetime, spent with `GETDEL` (atomic: of two instances finishing one flow, exactly one gets
 * the value). The purpose and the user are part of the key, so a finish for another purpose or
 * another user misses, and leaves the challenge unspent, exactly as the database store does.
 * @module
 */
import type { WebauthnChallengesTable } from "../db/schema.ts";
import type { RedisConnection } from "../redis/connection.ts";
import type { ChallengeStore } from "./challenge-store.ts";

/** The key of one challenge: `<prefix>challenge:<purpose>:<user or ->:<flow id>`. */
function keyOf(
  redis: RedisConnection,
  row: Pick<WebauthnChallengesTable, "id" | "purpose" | "user_id">,
): string {
  return redis.key(`challenge:${row.purpose}:${row.user_id ?? "-"}:${row.id}`);
}

/** Reads a stored value back; anything else than a challenge row is a miss. */
function parseRow(value: string | null): WebauthnChallengesTable | undefined {
  if (value === null) return undefined;
  const row = JSON.parse(value) as Partial<WebauthnChallengesTable>;
  return typeof row.challenge === "string" && typeof row.expires_at === "string"
    ? (row as WebauthnChallengesTable)
    : undefined;
}

/**
 * The Redis store on the instance's connection. While Redis is down, starting and finishing a
 * ceremony answer 503 `service_unavailable` (`Retry-After`) at once.
 * @param redis the instance's connection
 */
export function redisChallengeStore(redis: RedisConnection): ChallengeStore {
  return {
    async save(_db, row) {
      const ttlMs = Date.parse(row.expires_at) - Date.parse(row.created_at);
      const value = JSON.stringify({ ...row, consumed_at: null });
      // NX: a flow id is never reused; PX: Redis forgets the challenge when it expires.
      await redis.run((client) =>
        client.set(keyOf(redis, row), value, {
          condition: "NX",
          expiration: { type: "PX", value: Math.max(1, ttlMs) },
        }),
      );
    },
    async spend(_db, expected) {
      const key = keyOf(redis, {
        id: expected.id,
        purpose: expected.purpose,
        user_id: expected.userId,
      });
      const row = parseRow(await redis.run((client) => client.getDel(key)));
      // The TTL runs on Redis's clock; the expiry is checked on ours too, as the database does.
      if (row === undefined || row.expires_at <= expected.nowIso) return undefined;
      return { ...row, consumed_at: expected.nowIso };
    },
  };
}
