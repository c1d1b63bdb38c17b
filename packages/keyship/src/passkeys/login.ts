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
import type { ProblemError } from "../errors.ts";
import { observeSignIn } from "../observability/signin.ts";
import { announceEvictions, completeSignIn, recordSignIn } from "../signin/complete.ts";
import { auditFailures, signInFailed } from "../signin/failures.ts";
import { checkAssertion } from "./assertion.ts";
import { issueChallenge, type StartedCeremony, spendChallenge } from "./challenges.ts";
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
 * Finishes a sign-in. The challenge is spent first, on its own, so a finish that fails cannot
 * be retried with another assertion; then one transaction verifies the assertion and counter,
 * records the use, binds a new device and records `user.signed_in`. A refusal is recorded as
 * `user.sign_in_failed` after the transaction rolled back.
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
  const signIn = async (): Promise<SignInResult> => {
    const challenge = await spendChallenge(ctx.db, ctx, {
      flowId: input.flowId,
      purpose: "login",
      userId: null,
    });
    const result = await ctx.db.transaction().execute(async (trx) => {
      const { passkey, userId } = await checkAssertion(trx, ctx, input.credential, {
        challenge: challenge.challenge,
        settings: ctx.settings,
        userId: null,
      });
      const asUser = { ...source, actorId: userId };
      const bound = await completeSignIn(trx, ctx, asUser, userId, input);
      await recordSignIn(trx, ctx, asUser, {
        action: "user.signed_in",
        method: "passkey",
        userId,
        bound,
      });
      return { userId, passkeyId: passkey.id, ...bound };
    });
    return announceEvictions(ctx, result);
  };
  return observeSignIn("passkey", () =>
    auditFailures(ctx, source, signIn, (error) => failedLogin(ctx, input, error)),
  );
}
