/**
 * `POST /auth/oauth/exchange`: the one-time code of a callback becomes a sign-in, finished like
 * a passkey sign-in (`completeSignIn()`: a device binding and/or a session). The account is
 * the linked one; else a new user; else — an existing account with the same email — a link
 * only when the provider asserts the email as verified and `KEYSHIP_OAUTH_LINK_VERIFIED_EMAILS`
 * allows it, otherwise 409 `oauth.account_link_required`.
 * @module
 */
import type { AuditSource } from "../audit/model.ts";
import { recordAudit } from "../audit/service.ts";
import type { DB } from "../db/schema.ts";
import { ProblemError } from "../errors.ts";
import { observeSignIn } from "../observability/signin.ts";
import { markEmailVerified } from "../passwords/store.ts";
import {
  announceEvictions,
  type CompletedSignIn,
  completeSignIn,
  recordSignIn,
  type SignInBinding,
} from "../signin/complete.ts";
import { auditFailures } from "../signin/failures.ts";
import { createAccount } from "../users/create.ts";
import { findUserByEmail, findUserById } from "../users/store.ts";
import { insertLink } from "./accounts.ts";
import { hashCode, type OAuthContext } from "./context.ts";
import { oauthFailed } from "./flows.ts";
import type { CodePayload } from "./model.ts";
import { findOAuthAccount, touchOAuthAccount } from "./store.ts";

/** The answer of an exchange: the account, what was bound, and whether it is new. */
export interface OAuthSignInResult extends CompletedSignIn {
  readonly userId: string;
  readonly provider: string;
  /** True when this sign-in created the account. */
  readonly created: boolean;
}

/** Who signs in: the linked user, a user linked now, or a new one. */
async function resolveUser(
  trx: DB,
  ctx: OAuthContext,
  source: AuditSource,
  payload: CodePayload,
): Promise<{ userId: string; created: boolean }> {
  const { provider, identity } = payload;
  const nowIso = ctx.now().toISOString();
  const linked = await findOAuthAccount(trx, provider, identity.subject);
  if (linked !== undefined) {
    const user = await findUserById(trx, linked.user_id);
    // A disabled account signs in no way (as a passkey of a disabled user).
    if (user === undefined || user.disabled_at !== null) throw new ProblemError("auth.forbidden");
    await touchOAuthAccount(trx, linked.id, { ...identity, nowIso });
    return { userId: linked.user_id, created: false };
  }
  const existing = identity.email === null ? undefined : await findUserByEmail(trx, identity.email);
  if (existing !== undefined) {
    if (!(identity.emailVerified && ctx.settings.oauthLinkVerifiedEmails)) {
      throw new ProblemError("oauth.account_link_required");
    }
    if (existing.disabled_at !== null) throw new ProblemError("auth.forbidden");
    const asUser = { ...source, actorId: existing.id };
    await insertLink(trx, ctx, asUser, {
      userId: existing.id,
      provider,
      identity,
      automatic: true,
    });
    return { userId: existing.id, created: false };
  }
  const userId = ctx.newId("user");
  // Only a verified email goes on the account: an unverified one could claim someone else's
  // address (and with it a bootstrap admin role, or block its owner's sign-up).
  const email = identity.emailVerified ? identity.email : null;
  await createAccount(
    trx,
    ctx.settings,
    ctx.dialect,
    { id: userId, email, displayName: identity.displayName, passwordHash: null },
    nowIso,
    "oauth.account_link_required",
  );
  if (email !== null) await markEmailVerified(trx, userId, nowIso);
  await insertLink(
    trx,
    ctx,
    { ...source, actorId: userId },
    {
      userId,
      provider,
      identity,
      automatic: false,
    },
  );
  return { userId, created: true };
}

/**
 * Spends a one-time code and signs its identity in: one transaction resolves (or creates, or
 * links) the user, binds the device and/or session, and records `user.signed_up` or
 * `user.signed_in` (method `oauth`) and `oauth.signed_in`. A refusal is recorded as
 * `oauth.failed` and leaves nothing behind (the code stays spent).
 * @param input the code and what to bind (device key, session mode, client details)
 * @throws ProblemError `oauth.code_invalid` (unknown, used or older than 60 s),
 *   `oauth.account_link_required`, `oauth.already_linked`, `auth.forbidden` (a disabled user)
 */
export async function exchangeOAuthCode(
  ctx: OAuthContext,
  source: AuditSource,
  input: SignInBinding & { code: string },
): Promise<OAuthSignInResult> {
  let provider = "unknown";
  const signIn = async (): Promise<OAuthSignInResult> => {
    const payload = await ctx.ephemeral.takeCode(hashCode(input.code), ctx.now().toISOString());
    if (payload === undefined) throw new ProblemError("oauth.code_invalid");
    provider = payload.provider;
    const result = await ctx.db.transaction().execute(async (trx) => {
      const { userId, created } = await resolveUser(trx, ctx, source, payload);
      const asUser = { ...source, actorId: userId };
      const bound = await completeSignIn(trx, ctx, asUser, userId, input);
      await recordSignIn(trx, ctx, asUser, {
        action: created ? "user.signed_up" : "user.signed_in",
        method: "oauth",
        userId,
        bound,
      });
      await recordAudit(trx, ctx, asUser, {
        action: "oauth.signed_in",
        targetType: "user",
        targetId: userId,
        data: { provider, created },
      });
      return { userId, provider, created, ...bound };
    });
    return announceEvictions(ctx, result);
  };
  return observeSignIn("oauth", () =>
    auditFailures(ctx, source, signIn, (error) => oauthFailed(provider, error.code)),
  );
}
