/**
 * DBSC registration: the browser answers the challenge of a cookie sign-in with a new session
 * key; keyship stores the key, bound to the session, and from then on the session's access
 * tokens are honoured only with the bound cookie (sessions/verifier.ts).
 * @module
 */
import type { AuditSource } from "../audit/model.ts";
import { recordAudit } from "../audit/service.ts";
import type { KeyshipContext } from "../context.ts";
import { ProblemError } from "../errors.ts";
import { auditFailures } from "../signin/failures.ts";
import { challengedSession } from "./challenge.ts";
import { verifyRegistrationProof } from "./proof.ts";
import { findLiveSessionUser, insertDbscSession } from "./store.ts";

/** What a registration request brings. */
export interface RegistrationInput {
  /** The `Secure-Session-Response` header: the browser's `dbsc+jwt`. */
  readonly proof: string;
  /** The session the request's access cookie belongs to (verified), if it has one. */
  readonly cookieSessionId: string | undefined;
}

function invalidChallenge(reason: string): ProblemError {
  return new ProblemError("dbsc.challenge_invalid", { cause: new Error(reason) });
}

async function register(
  ctx: KeyshipContext,
  source: AuditSource,
  input: RegistrationInput,
): Promise<{ sessionId: string; userId: string }> {
  const proof = await verifyRegistrationProof(input.proof);
  const sessionId = challengedSession(ctx.sessions.dbsc, proof.challenge);
  if (sessionId === undefined) throw invalidChallenge("not our challenge, or expired");
  // The challenge names a session; the request must also carry that session's cookie, so a
  // challenge copied out of a log registers nothing on its own.
  if (input.cookieSessionId !== sessionId) throw invalidChallenge("not this cookie's session");
  const now = ctx.now().toISOString();
  const userId = await ctx.db.transaction().execute(async (trx) => {
    const owner = await findLiveSessionUser(trx, { sessionId, nowIso: now });
    if (owner === undefined) throw invalidChallenge("session ended");
    const stored = await insertDbscSession(trx, {
      session_id: sessionId,
      user_id: owner,
      algorithm: proof.algorithm,
      public_jwk: JSON.stringify(proof.publicJwk),
      jkt: proof.jkt,
      created_at: now,
      refreshed_at: now,
      challenge_hash: null,
      challenge_expires_at: null,
    });
    // A session registers once: a second answer to its challenge is a replay.
    if (!stored) throw invalidChallenge("session already registered");
    await recordAudit(trx, ctx, source, {
      action: "dbsc.registered",
      actorId: owner,
      targetType: "session",
      targetId: sessionId,
      data: { algorithm: proof.algorithm, jkt: proof.jkt },
    });
    return owner;
  });
  // Every process drops what it cached about the user's sessions, so the binding applies to
  // the very next request anywhere.
  ctx.changes.announce({ kind: "user", id: userId });
  return { sessionId, userId };
}

/**
 * Verifies a registration and binds the session to the browser's key, in one transaction with
 * its `dbsc.registered` audit row; a refusal is recorded as `dbsc.registration_failed`.
 * @param ctx database, clock, ids, the session runtime and the change feed
 * @param source where the request came from
 * @param input the proof, and the session of the request's access cookie
 * @returns the bound session and its owner
 * @throws ProblemError `dbsc.invalid_proof` (malformed, wrong `typ` or `alg`, bad signature),
 *   `dbsc.challenge_invalid` (not ours, expired, already answered, another session's, or the
 *   session ended)
 */
export function finishDbscRegistration(
  ctx: KeyshipContext,
  source: AuditSource,
  input: RegistrationInput,
): Promise<{ sessionId: string; userId: string }> {
  return auditFailures(
    ctx,
    source,
    () => register(ctx, source, input),
    (error) => ({ action: "dbsc.registration_failed", data: { reason: error.code } }),
  );
}
