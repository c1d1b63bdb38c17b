/**
 * Refresh-token rotation with reuse detection (RFC 9700 §4.14.2): every refresh spends the
 * presented token and issues the next one of its family; presenting a spent token revokes the
 * whole family.
 * @module
 */
import type { AuditSource } from "../audit/model.ts";
import { recordAudit } from "../audit/service.ts";
import type { KeyshipContext } from "../context.ts";
import type { DB } from "../db/schema.ts";
import { findDbscSession } from "../dbsc/store.ts";
import { boundTokenProblem } from "../dpop/proof.ts";
import { ProblemError } from "../errors.ts";
import {
  hashRefreshToken,
  type IssuedSession,
  REFRESH_TOKEN_PATTERN,
  type SessionClient,
  type SessionMode,
  sameHash,
  signSession,
  storeRefreshToken,
} from "./issue.ts";
import { findSessionByRefreshHash, revokeFamily, spendLiveRefreshToken } from "./store.ts";

type Outcome =
  | {
      readonly kind: "rotated";
      readonly userId: string;
      readonly sessionId: string;
      readonly refreshToken: string;
      readonly dpopJkt: string | undefined;
    }
  | { readonly kind: "unproven"; readonly code: "dpop.key_mismatch" | "dpop.proof_required" }
  | { readonly kind: "unbound" }
  | { readonly kind: "reused"; readonly userId: string; readonly sessionId: string }
  | {
      readonly kind: "refused";
      readonly code: "token.invalid" | "token.expired" | "token.revoked";
    };

const UNBOUND = new Error("refresh of a DBSC-bound session without its bound cookie");

/**
 * Is the family bound with DBSC while the request lacks its valid bound cookie? A copy of the
 * long-lived refresh cookie alone then refreshes nothing, and stays unspent.
 */
async function lacksBoundCookie(
  trx: DB,
  familyId: string,
  client: SessionClient,
): Promise<boolean> {
  return client.dbscSessionId !== familyId && (await findDbscSession(trx, familyId)) !== undefined;
}

/**
 * Why {@link spendLiveRefreshToken} spent nothing, read inside the same transaction: unknown,
 * revoked, already spent (reuse, also of a concurrent refresh that won), expired, unproven
 * DPoP key, a DBSC-bound session without its bound cookie, or disabled user. Nothing is written.
 */
async function whyNotSpent(
  trx: KeyshipContext["db"],
  hash: string,
  request: { nowIso: string; client: SessionClient },
): Promise<Outcome> {
  const row = await findSessionByRefreshHash(trx, hash);
  if (row === undefined || !sameHash(row.refresh_hash, hash)) {
    return { kind: "refused", code: "token.invalid" };
  }
  if (row.revoked_at !== null) return { kind: "refused", code: "token.revoked" };
  if (row.rotated_at !== null)
    return { kind: "reused", userId: row.user_id, sessionId: row.family_id };
  if (row.expires_at <= request.nowIso) return { kind: "refused", code: "token.expired" };
  // RFC 9449 §5: a DPoP session's refresh token is spent only with a proof of its key; a
  // refused attempt leaves it unspent (the holder of the key may still use it).
  const dpopJkt = row.dpop_jkt ?? undefined;
  if (dpopJkt !== undefined && request.client.dpopJkt !== dpopJkt) {
    return {
      kind: "unproven",
      code: request.client.dpopJkt === undefined ? "dpop.proof_required" : "dpop.key_mismatch",
    };
  }
  // A DBSC-bound session's token is spent only with its bound cookie (docs/dbsc.md).
  if (await lacksBoundCookie(trx, row.family_id, request.client)) return { kind: "unbound" };
  // A disabled or deleted user; or the row changed between the two statements (answered as
  // invalid, never as reuse: nothing proves a second use).
  return { kind: "refused", code: "token.invalid" };
}

/**
 * Exchanges a refresh token for a new access and refresh token of the same session.
 *
 * The spend is one conditional `UPDATE … RETURNING` (`spendLiveRefreshToken`: live, unexpired,
 * the DPoP key proven, the DBSC-bound cookie shown if bound, the user active), so of two concurrent refreshes with one token exactly
 * one succeeds, and a rotation is two statements (spend, insert the next token) in one
 * transaction. The other, like
 * any later use of a spent token, counts as reuse: the database cannot tell a race from a
 * replay, so the whole family is revoked (SECURITY.md) and its access tokens are refused at once;
 * the revocation and its `session.refresh_reused` audit row (outcome failure) commit together.
 *
 * @param ctx database, clock, ids, settings and the session runtime
 * @param source where the request came from (anonymous: the presenter may be a thief)
 * @param input the presented token, the mode to answer in, and the client's IP and user agent
 * @throws ProblemError `token.invalid` (unknown token, disabled user), `token.expired`,
 *   `token.revoked`, `token.refresh_reused` (the family is now revoked); for a DPoP-bound
 *   family without a proof of its key (`input.client.dpopJkt`), `dpop.proof_required` or
 *   `dpop.key_mismatch`; for a DBSC-bound session without its valid bound cookie
 *   (`input.client.dbscSessionId`, docs/dbsc.md), `dbsc.bound_cookie_required`
 */
export async function refreshSession(
  ctx: KeyshipContext,
  source: AuditSource,
  input: { refreshToken: string; mode: SessionMode; client: SessionClient },
): Promise<IssuedSession> {
  if (!REFRESH_TOKEN_PATTERN.test(input.refreshToken)) throw new ProblemError("token.invalid");
  const hash = hashRefreshToken(input.refreshToken);
  const outcome = await ctx.db.transaction().execute(async (trx): Promise<Outcome> => {
    const nowIso = ctx.now().toISOString();
    // The common case in one statement; anything it refuses is classified below.
    const spent = await spendLiveRefreshToken(trx, {
      refreshHash: hash,
      nowIso,
      dpopJkt: input.client.dpopJkt,
      dbscSessionId: input.client.dbscSessionId,
    });
    if (spent === undefined) return whyNotSpent(trx, hash, { nowIso, client: input.client });
    if (!sameHash(spent.refresh_hash, hash)) throw new Error("the spent row has another hash");
    const dpopJkt = spent.dpop_jkt ?? undefined;
    const next = await storeRefreshToken(trx, ctx, {
      userId: spent.user_id,
      familyId: spent.family_id,
      client: input.client,
      dpopJkt,
    });
    return { kind: "rotated", userId: spent.user_id, dpopJkt, ...next };
  });

  switch (outcome.kind) {
    case "refused":
      throw new ProblemError(outcome.code);
    case "unproven":
      throw boundTokenProblem(outcome.code, "refresh of a DPoP session without its key");
    case "unbound":
      throw new ProblemError("dbsc.bound_cookie_required", { cause: UNBOUND });
    case "reused":
      // Refused from now on, even if the revocation below fails (the safe direction).
      ctx.sessions.revocations.revoke([outcome.sessionId]);
      await ctx.db.transaction().execute(async (trx) => {
        await revokeFamily(trx, { familyId: outcome.sessionId, nowIso: ctx.now().toISOString() });
        await recordAudit(trx, ctx, source, {
          action: "session.refresh_reused",
          outcome: "failure",
          targetType: "session",
          targetId: outcome.sessionId,
          data: { userId: outcome.userId },
        });
      });
      ctx.logger.warn(
        { userId: outcome.userId, sessionId: outcome.sessionId },
        "refresh token reused: session revoked",
      );
      throw new ProblemError("token.refresh_reused");
    case "rotated":
      return signSession(ctx, {
        userId: outcome.userId,
        sessionId: outcome.sessionId,
        refreshToken: outcome.refreshToken,
        mode: input.mode,
        dpopJkt: outcome.dpopJkt,
      });
  }
}
