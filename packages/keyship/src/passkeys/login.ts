/**
 * Passkey sign-in with discoverable credentials (also browser autofill / conditional UI).
 * @module
 */
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from "@simplewebauthn/server";
import type { KeyshipContext } from "../context.ts";
import { observeSignIn } from "../observability/signin.ts";
import { completeSignIn } from "../signin/complete.ts";
import { checkAssertion } from "./assertion.ts";
import { issueChallenge, type StartedCeremony, spendChallenge } from "./challenges.ts";
import type { DeviceInput, SignInResult } from "./register.ts";
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

/**
 * Finishes a sign-in. The challenge is spent first, on its own, so a finish that fails cannot
 * be retried with another assertion; then one transaction verifies the assertion and counter,
 * records the use and binds a new device.
 * @throws ProblemError `passkey.challenge_invalid`, `passkey.unknown_credential` (also for
 *   revoked passkeys and disabled users, with no hint which), `passkey.verification_failed`,
 *   `passkey.user_verification_required`, `passkey.counter_regression`
 */
export async function finishPasskeyLogin(
  ctx: KeyshipContext,
  input: DeviceInput & { flowId: string; credential: AuthenticationResponseJSON },
): Promise<SignInResult> {
  return observeSignIn("passkey", async () => {
    const challenge = await spendChallenge(ctx.db, ctx, {
      flowId: input.flowId,
      purpose: "login",
      userId: null,
    });
    return ctx.db.transaction().execute(async (trx) => {
      const { passkey, userId } = await checkAssertion(trx, ctx, input.credential, {
        challenge: challenge.challenge,
        settings: ctx.settings,
        userId: null,
      });
      const bound = await completeSignIn(trx, ctx, userId, input);
      return { userId, passkeyId: passkey.id, ...bound };
    });
  });
}
