/**
 * Challenges in Redis, shared by every instance: the shared single-use store
 * (`redis/single-use.ts`: a TTL of the challenge's lifetime, spent with `GETDEL`) under
 * `<prefix>challenge:<purpose>:<user or ->:<flow id>`. The purpose and the user are part of
 * the key, so a finish for another purpose or another user misses, and leaves the challenge
 * unspent, exactly as the database store does.
 * @module
 */
import type { WebauthnChallengesTable } from "../db/schema.ts";
import type { RedisConnection } from "../redis/connection.ts";
import { redisSingleUseStore } from "../redis/single-use.ts";
import type { ChallengeStore, ExpectedChallenge } from "./challenge-store.ts";

/** The name of one challenge under the `challenge` namespace: `<purpose>:<user or ->:<id>`. */
function nameOf(row: Pick<WebauthnChallengesTable, "id" | "purpose" | "user_id">): string {
  return `${row.purpose}:${row.user_id ?? "-"}:${row.id}`;
}

/** The name a finish step's expected challenge is stored under. */
function nameOfExpected(expected: ExpectedChallenge): string {
  return nameOf({ id: expected.id, purpose: expected.purpose, user_id: expected.userId });
}

/** Whether a value read back is a challenge row. */
function isRow(value: unknown): value is WebauthnChallengesTable {
  const row = value as Partial<WebauthnChallengesTable> | null;
  return typeof row === "object" && row !== null && typeof row.challenge === "string";
}

/**
 * The Redis store on the instance's connection. While Redis is down, starting and finishing a
 * ceremony answer 503 `service_unavailable` (`Retry-After`) at once.
 * @param redis the instance's connection
 */
export function redisChallengeStore(redis: RedisConnection): ChallengeStore {
  const challenges = redisSingleUseStore(redis, "challenge", isRow);
  return {
    async save(_db, row) {
      const value = { ...row, consumed_at: null };
      await challenges.save(nameOf(row), value, {
        nowIso: row.created_at,
        expiresAt: row.expires_at,
      });
    },
    async spend(_db, expected) {
      const row = await challenges.take(nameOfExpected(expected), expected.nowIso);
      return row === undefined ? undefined : { ...row, consumed_at: expected.nowIso };
    },
    peek: (_db, expected) => challenges.peek(nameOfExpected(expected), expected.nowIso),
  };
}
