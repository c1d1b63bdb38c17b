/**
 * Where ceremony challenges live between `…/start` and `…/finish`: the database (one instance,
 * or several sharing it without Redis) or Redis when `redisUrl` is set (shared by every
 * instance, expired by TTL). One file per variant with this shape (`challenge-store-db.ts`,
 * `challenge-store-redis.ts`); `challengeStoreOf()` in `challenges.ts` picks one.
 * @module
 */
import type { DB, WebauthnChallengesTable } from "../db/schema.ts";
import type { CeremonyPurpose } from "./store.ts";

/** What a finish step must match to spend a challenge. */
export interface ExpectedChallenge {
  readonly id: string;
  readonly purpose: CeremonyPurpose;
  /** The user an `add` or `stepup` flow belongs to; null for flows without a user. */
  readonly userId: string | null;
  /** Now (ISO 8601): a challenge that expired by then is not spent. */
  readonly nowIso: string;
}

/** Stores challenges and spends each at most once. */
export interface ChallengeStore {
  /**
   * Stores a new challenge until its `expires_at`.
   * @param db the database (used by the database store only)
   * @throws ProblemError `service_unavailable` when the backing service cannot store it
   */
  save(db: DB, row: WebauthnChallengesTable): Promise<void>;
  /**
   * Spends the challenge `expected` names, atomically: of two concurrent calls at most one gets
   * it. Unknown, expired, already spent, another purpose's or another user's: undefined, and
   * a challenge that does not match stays unspent.
   * @param db the database or the finish step's transaction (database store only)
   * @throws ProblemError `service_unavailable` when the backing service cannot answer
   */
  spend(db: DB, expected: ExpectedChallenge): Promise<WebauthnChallengesTable | undefined>;
  /**
   * The challenge {@link spend} would spend now, read without spending it (a finish checks
   * its assertion against it, then spends it in its transaction).
   * @throws ProblemError `service_unavailable` when the backing service cannot answer
   */
  peek(db: DB, expected: ExpectedChallenge): Promise<WebauthnChallengesTable | undefined>;
}
