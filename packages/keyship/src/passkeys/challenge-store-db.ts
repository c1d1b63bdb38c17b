/**
 * Challenges in the database (`webauthn_challenges`): spent with one conditional UPDATE, expired
 * rows swept at most once a minute per database handle.
 * @module
 */
import type { DB } from "../db/schema.ts";
import type { ChallengeStore } from "./challenge-store.ts";
import {
  consumeChallenge,
  deleteExpiredChallenges,
  findOpenChallenge,
  insertChallenge,
} from "./store.ts";

/** How often expired challenges are swept, at most (per database handle). */
const SWEEP_INTERVAL_MS = 60_000;
const lastSweep = new WeakMap<object, number>();

/** Deletes expired challenges when the last sweep of this database is a minute old. */
async function sweepExpired(db: DB, nowIso: string): Promise<void> {
  const now = Date.parse(nowIso);
  const last = lastSweep.get(db) ?? Number.NEGATIVE_INFINITY;
  if (now - last < SWEEP_INTERVAL_MS) return;
  lastSweep.set(db, now);
  await deleteExpiredChallenges(db, nowIso);
}

/**
 * The database store. Expired challenges (started, never finished) are swept when a new one is
 * saved, so the table stays as small as the open ceremonies.
 */
export const databaseChallengeStore: ChallengeStore = Object.freeze({
  async save(db, row) {
    await sweepExpired(db, row.created_at);
    await insertChallenge(db, row);
  },
  spend: (db, expected) => consumeChallenge(db, expected),
  peek: (db, expected) => findOpenChallenge(db, expected),
} satisfies ChallengeStore);
