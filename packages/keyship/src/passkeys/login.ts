/**
 * Passkey sign-in with discoverable credentials (also browser autofill / conditional UI).
 * @module
 */
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from "@simplewebauthn/server";
import type { AuditEventInput, AuditSource } from "../audit/model.ts";
import type { KeyshipContext } from "../context.ts";
import { ProblemError } from "../errors.ts";
import { observeSignIn } from "../observability/signin.ts";
import { announceEvictions, completeSignIn, recordSignIn } from "../signin/complete.ts";
import { auditFailures, signInFailed } from "../signin/failures.ts";
import { recordAssertion, verifyStoredAssertion } from "./assertion.ts";
import {
  issueChallenge,
  peekChallenge,
  type StartedCeremony,
  spendChallenge,
} from "./challenges.ts";
import type { DeviceInput, SignInResult } from "./register.ts";
import { findPasskeyByCredentialId } from "./store.ts";
import { requestOptions } from "./webauthn.ts";

/** Starts a sign-in: options with an empty allowCredentials list. */
export async function startPasskeyLogin(
  ctx: KeyshipContext,
): Promise<StartedCeremony<PublicKeyCredentialRequestOptionsJSON>> {
  const options = await requestOptions(ctx.settings);
  const flowId = await issueChallenge(ctx, {
    purpose: "login",
    challenge: options.challenge,
    userId: null,
    data: {},
  });
  return { flowId, options };
}

/** The input of a sign-in's finish step. */
type LoginFinish = DeviceInput & { flowId: string; credential: AuthenticationResponseJSON };

/**
 * The `user.sign_in_failed` event of a refused finish (every `passkey.*` code), with the
 * credential's owner as target when the credential id is a stored one.
 */
async function failedLogin(
  ctx: KeyshipContext,
  input: LoginFinish,
  error: ProblemError,
): Promise<AuditEventInput | undefined> {
  if (!error.code.startsWith("passkey.")) return undefined;
  const passkey = await findPasskeyByCredentialId(ctx.db, input.credential.id);
  return signInFailed("passkey", error.code, passkey?.user_id);
}

/**
 * Finishes a sign-in. The assertion is checked first, against the flow's challenge read without
 * spending it and with no transaction open (the signature check holds no database connection);
 * then one transaction spends the challenge, records the use (only if the counter, the passkey
 * and its owner are as checked), binds a new device and records `user.signed_in`. So a finish
 * that fails for want of a service (a 503) leaves its flow for a retry — with Redis as the
 * challenge store, one that fails before the transaction: the spend in Redis is not rolled back
 * with it — while a refused one (every `passkey.*` code) spends it: it cannot be retried with
 * another assertion. A refusal is recorded as `user.sign_in_failed`.
 * @param source where the request came from (the user becomes the actor)
 * @throws ProblemError `passkey.challenge_invalid`, `passkey.unknown_credential` (also for
 *   revoked passkeys and disabled users, with no hint which), `passkey.verification_failed`,
 *   `passkey.user_verification_required`, `passkey.counter_regression`
 */
export async function finishPasskeyLogin(
  ctx: KeyshipContext,
  source: AuditSource,
  input: LoginFinish,
): Promise<SignInResult> {
  const flow = { flowId: input.flowId, purpose: "login", userId: null } as const;
  const signIn = async (): Promise<SignInResult> => {
    const challenge = await peekChallenge(ctx.db, ctx, flow);
    const checked = await verifyStoredAssertion(ctx.db, input.credential, {
      challenge: challenge.challenge,
      settings: ctx.settings,
      userId: null,
    });
    const result = await ctx.db.transaction().execute(async (trx) => {
      // First, so that of two finishes of one flow the loser is told the flow is spent.
      await spendChallenge(trx, ctx, flow);
      await recordAssertion(trx, ctx, checked);
      const { userId } = checked;
      const asUser = { ...source, actorId: userId };
      const bound = await completeSignIn(trx, ctx, asUser, userId, input);
      await recordSignIn(trx, ctx, asUser, {
        action: "user.signed_in",
        method: "passkey",
        userId,
        bound,
      });
      return { userId, passkeyId: checked.passkey.id, ...bound };
    });
    return announceEvictions(ctx, result);
  };
  const refused = async (error: ProblemError) => {
    if (error.code.startsWith("passkey.")) await spendRefusedFlow(ctx, flow);
    return failedLogin(ctx, input, error);
  };
  return observeSignIn("passkey", () => auditFailures(ctx, source, signIn, refused));
}

/**
 * Spends the flow of a refused finish, so that it cannot be retried with another assertion.
 * Never throws: the caller answers the refusal either way (an unspent flow still expires).
 */
async function spendRefusedFlow(
  ctx: KeyshipContext,
  flow: { flowId: string; purpose: "login"; userId: null },
): Promise<void> {
  try {
    await spendChallenge(ctx.db, ctx, flow);
  } catch (err) {
    if (!(err instanceof ProblemError && err.code === "passkey.challenge_invalid")) {
      ctx.logger.warn({ err }, "the flow of a refused passkey sign-in was not spent");
    }
  }
}
