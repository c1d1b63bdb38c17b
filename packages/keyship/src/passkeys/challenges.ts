/**
 * Ceremony challenges, issued and spent in one place: stored server-side with a TTL, bound to
 * a purpose (and, for `add`, to the signed-in user), spent atomically on first use.
 * @module
 */
import type { KeyshipContext } from "../context.ts";
import type { WebauthnChallengesTable } from "../db/schema.ts";
import { ProblemError } from "../errors.ts";
import {
  type CeremonyPurpose,
  consumeChallenge,
  deleteExpiredChallenges,
  insertChallenge,
} from "./store.ts";

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

/** How often expired challenges are swept, at most (per database handle). */
const SWEEP_INTERVAL_MS = 60_000;
const lastSweep = new WeakMap<object, number>();

/** Deletes expired challenges when the last sweep of this database is a minute old. */
async function sweepExpired(ctx: Pick<KeyshipContext, "db">, now: Date): Promise<void> {
  const last = lastSweep.get(ctx.db) ?? Number.NEGATIVE_INFINITY;
  if (now.getTime() - last < SWEEP_INTERVAL_MS) return;
  lastSweep.set(ctx.db, now.getTime());
  await deleteExpiredChallenges(ctx.db, now.toISOString());
}

/**
 * Stores a challenge for `webauthnTtlSeconds` and returns its flow id. Expired challenges
 * (started, never finished) are swept here, at most once a minute, so the table stays as
 * small as the open ceremonies.
 * @param ctx database, clock, ids and settings
 */
export async function issueChallenge(
  ctx: Pick<KeyshipContext, "db" | "now" | "newId" | "settings">,
  request: ChallengeRequest,
): Promise<string> {
  const now = ctx.now();
  await sweepExpired(ctx, now);
  const flowId = ctx.newId("challenge");
  await insertChallenge(ctx.db, {
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
 * Spends the challenge of `flowId` inside the finish step's transaction, or throws. Of two
 * concurrent finishes with one flow id exactly one gets it.
 * @param trx the finish step's transaction
 * @param expected the purpose, and the user an `add` flow must belong to (null otherwise)
 * @throws ProblemError `passkey.challenge_invalid` when it is unknown, expired, already used,
 *   for another purpose or (for `add`) another user's — with no hint which
 */
export async function spendChallenge(
  trx: KeyshipContext["db"],
  ctx: Pick<KeyshipContext, "now">,
  expected: { flowId: string; purpose: CeremonyPurpose; userId: string | null },
): Promise<WebauthnChallengesTable> {
  const row = await consumeChallenge(trx, {
    id: expected.flowId,
    purpose: expected.purpose,
    userId: expected.userId,
    nowIso: ctx.now().toISOString(),
  });
  if (row === undefined) throw new ProblemError("passkey.challenge_invalid");
  return row;
}
