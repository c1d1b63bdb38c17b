/**
 * DBSC refresh: the browser proves the session key by signing a fresh challenge, and gets a
 * fresh bound cookie. Without a proof (or with a stale one) it is challenged; a session that
 * ended (revoked, expired, its user disabled, never registered) is ended in the browser too.
 * @module
 */
import type { JWK } from "jose";
import type { AuditSource } from "../audit/model.ts";
import type { KeyshipContext } from "../context.ts";
import { ProblemError } from "../errors.ts";
import { recordFailure } from "../signin/failures.ts";
import { challengeHeader, hashChallenge, newRefreshChallenge } from "./challenge.ts";
import { type DbscAlgorithm, verifyRefreshProof } from "./proof.ts";
import {
  findDbscSession,
  findLiveSessionUser,
  setRefreshChallenge,
  spendRefreshChallenge,
} from "./store.ts";

/** What a refresh request brings. */
export interface DbscRefreshInput {
  /** The `Sec-Secure-Session-Id` header. */
  readonly sessionId: string;
  /** The `Secure-Session-Response` header, when the browser answers a challenge. */
  readonly proof?: string | undefined;
}

/** How a refresh ends: a fresh bound cookie, or the end of the browser's DBSC session. */
export type DbscRefreshOutcome = "refreshed" | "ended";

/**
 * Issues the session's next refresh challenge (replacing any outstanding one) and returns the
 * refusal that carries it in `Secure-Session-Challenge`.
 */
async function challenge(
  ctx: KeyshipContext,
  sessionId: string,
  code: "dbsc.challenge_required" | "dbsc.proof_refused",
  cause?: unknown,
): Promise<ProblemError> {
  const next = newRefreshChallenge();
  const expiresAt = new Date(ctx.now().getTime() + ctx.sessions.dbsc.challengeTtl * 1000);
  await setRefreshChallenge(ctx.db, {
    sessionId,
    challengeHash: hashChallenge(next),
    expiresAtIso: expiresAt.toISOString(),
  });
  return new ProblemError(code, {
    headers: { "Secure-Session-Challenge": challengeHeader(next, sessionId) },
    cause,
  });
}

/**
 * Refreshes a DBSC session: verifies the proof against the registered key and spends the
 * challenge it answers (a conditional update: one answer, one cookie).
 * @param ctx database, clock and the DBSC runtime
 * @param source where the request came from (a refused proof is recorded as
 *   `dbsc.refresh_failed`)
 * @param input the session id and the proof, if any
 * @returns `refreshed` (set a fresh bound cookie) or `ended` (answer `continue: false`)
 * @throws ProblemError `dbsc.challenge_required` (no proof, or one answering a stale or spent
 *   challenge), `dbsc.proof_refused` (not signed by the session key); both 403 with a new
 *   `Secure-Session-Challenge`
 */
export async function refreshDbscSession(
  ctx: KeyshipContext,
  source: AuditSource,
  input: DbscRefreshInput,
): Promise<DbscRefreshOutcome> {
  const nowIso = ctx.now().toISOString();
  const { sessionId } = input;
  const row = await findDbscSession(ctx.db, sessionId);
  if (row === undefined) return "ended";
  if ((await findLiveSessionUser(ctx.db, { sessionId, nowIso })) === undefined) return "ended";
  if (input.proof === undefined) throw await challenge(ctx, sessionId, "dbsc.challenge_required");
  let answered: string;
  try {
    answered = await verifyRefreshProof(input.proof, {
      algorithm: row.algorithm as DbscAlgorithm,
      publicJwk: JSON.parse(row.public_jwk) as JWK,
    });
  } catch (error) {
    await recordFailure(ctx, source, {
      action: "dbsc.refresh_failed",
      actorId: null,
      targetType: "session",
      targetId: sessionId,
      data: { userId: row.user_id, reason: "dbsc.proof_refused" },
    });
    throw await challenge(ctx, sessionId, "dbsc.proof_refused", error);
  }
  const spent = await spendRefreshChallenge(ctx.db, {
    sessionId,
    challengeHash: hashChallenge(answered),
    nowIso,
  });
  if (spent === 0) throw await challenge(ctx, sessionId, "dbsc.challenge_required");
  return "refreshed";
}
