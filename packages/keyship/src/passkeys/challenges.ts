/**
 * Ceremony challenges, issued and spent in one place: stored server-side with a TTL, bound to
 * a purpose (and, for `add`, to the signed-in user), spent atomically on first use.
 * @module
 */
import type { KeyshipContext } from "../context.ts";
import type { WebauthnChallengesTable } from "../db/schema.ts";
import { ProblemError } from "../errors.ts";
import type { RedisConnection } from "../redis/connection.ts";
import type { ChallengeStore } from "./challenge-store.ts";
import { databaseChallengeStore } from "./challenge-store-db.ts";
import { redisChallengeStore } from "./challenge-store-redis.ts";
import type { CeremonyPurpose } from "./store.ts";

/** A started ceremony: the flow id to send back with the response, and the browser options. */
export interface StartedCeremony<T> {
  readonly flowId: string;
  readonly options: T;
}

/** What a challenge is issued for. */
export interface ChallengeRequest {
  readonly purpose: CeremonyPurpose;
  /** The WebAuthn challenge of the options sent to the browser. */
  readonly challenge: string;
  /** The signed-in user an `add` ceremony belongs to; null otherwise. */
  readonly userId: string | null;
  /** What the finish step needs back (JSON-serialisable, never a secret). */
  readonly data: object;
}

const redisStores = new WeakMap<RedisConnection, ChallengeStore>();

/**
 * The challenge store of an instance: Redis when it has one, else its database.
 * @param ctx the instance's Redis connection, if any
 */
function challengeStoreOf(ctx: Pick<KeyshipContext, "redis">): ChallengeStore {
  const { redis } = ctx;
  if (redis === undefined) return databaseChallengeStore;
  let store = redisStores.get(redis);
  if (store === undefined) {
    store = redisChallengeStore(redis);
    redisStores.set(redis, store);
  }
  return store;
}

/**
 * Stores a challenge for `webauthnTtlSeconds` and returns its flow id: in Redis when the
 * instance has one (shared by every instance), else in the database (`challenge-store.ts`).
 * @param ctx database, Redis, clock, ids and settings
 * @throws ProblemError `service_unavailable` (503, `Retry-After`) while Redis is down
 */
export async function issueChallenge(
  ctx: Pick<KeyshipContext, "db" | "now" | "newId" | "settings" | "redis">,
  request: ChallengeRequest,
): Promise<string> {
  const now = ctx.now();
  const flowId = ctx.newId("challenge");
  await challengeStoreOf(ctx).save(ctx.db, {
    id: flowId,
    purpose: request.purpose,
    challenge: request.challenge,
    user_id: request.userId,
    data: JSON.stringify(request.data),
    created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + ctx.settings.webauthnTtlSeconds * 1000).toISOString(),
    consumed_at: null,
  });
  return flowId;
}

/**
 * The challenge of `flowId` that {@link spendChallenge} would spend now, read without spending
 * it: a finish checks its assertion against it first, then spends it in its transaction.
 * @param db the database (database store only)
 * @param expected the purpose, and the user the flow must belong to (null otherwise)
 * @throws ProblemError `passkey.challenge_invalid` when it is unknown, expired, already used,
 *   for another purpose or another user's — with no hint which
 * @throws ProblemError `service_unavailable` (503, `Retry-After`) while Redis is down
 */
export function peekChallenge(
  db: KeyshipContext["db"],
  ctx: Pick<KeyshipContext, "now" | "redis">,
  expected: { flowId: string; purpose: CeremonyPurpose; userId: string | null },
): Promise<WebauthnChallengesTable> {
  return readChallenge("peek", db, ctx, expected);
}

/**
 * Spends the challenge of `flowId` inside the finish step's transaction, or throws. Of two
 * concurrent finishes with one flow id exactly one gets it.
 * @param trx the finish step's transaction
 * @param expected the purpose, and the user an `add` flow must belong to (null otherwise)
 * @throws ProblemError `passkey.challenge_invalid` when it is unknown, expired, already used,
 *   for another purpose or (for `add`) another user's — with no hint which
 * @throws ProblemError `service_unavailable` (503, `Retry-After`) while Redis is down
 */
export function spendChallenge(
  trx: KeyshipContext["db"],
  ctx: Pick<KeyshipContext, "now" | "redis">,
  expected: { flowId: string; purpose: CeremonyPurpose; userId: string | null },
): Promise<WebauthnChallengesTable> {
  return readChallenge("spend", trx, ctx, expected);
}

/** Peeks at or spends the challenge of `flowId` in the configured store, or throws. */
async function readChallenge(
  how: "peek" | "spend",
  db: KeyshipContext["db"],
  ctx: Pick<KeyshipContext, "now" | "redis">,
  expected: { flowId: string; purpose: CeremonyPurpose; userId: string | null },
): Promise<WebauthnChallengesTable> {
  const row = await challengeStoreOf(ctx)[how](db, {
    id: expected.flowId,
    purpose: expected.purpose,
    userId: expected.userId,
    nowIso: ctx.now().toISOString(),
  });
  if (row === undefined) throw new ProblemError("passkey.challenge_invalid");
  return row;
}
