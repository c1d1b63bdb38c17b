/**
 * Passkey sign-in with discoverable credentials (also browser autofill / conditional UI).
 * @module
 */
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from "@simplewebauthn/server";
import type { KeyshipContext } from "../context.ts";
import { ProblemError } from "../errors.ts";
import { observeSignIn } from "../observability/signin.ts";
import { completeSignIn } from "../signin/complete.ts";
import { findUserById } from "../users/store.ts";
import { issueChallenge, type StartedCeremony, spendChallenge } from "./challenges.ts";
import type { DeviceInput, SignInResult } from "./register.ts";
import { findPasskeyByCredentialId, recordPasskeyUse } from "./store.ts";
import { requestOptions, userHandleOf, verifyAssertion } from "./webauthn.ts";

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
 * Finishes a sign-in: consumes the challenge, verifies the assertion and counter, records the
 * use and binds a new device, in one transaction.
 * @throws ProblemError `passkey.challenge_invalid`, `passkey.unknown_credential` (also for
 *   revoked passkeys and disabled users, with no hint which), `passkey.verification_failed`,
 *   `passkey.user_verification_required`, `passkey.counter_regression`
 */
export async function finishPasskeyLogin(
  ctx: KeyshipContext,
  input: DeviceInput & { flowId: string; credential: AuthenticationResponseJSON },
): Promise<SignInResult> {
  return observeSignIn("passkey", () =>
    ctx.db.transaction().execute(async (trx) => {
      const now = ctx.now().toISOString();
      const challenge = await spendChallenge(trx, ctx, {
        flowId: input.flowId,
        purpose: "login",
        userId: null,
      });
      const passkey = await findPasskeyByCredentialId(trx, input.credential.id);
      const user = passkey === undefined ? undefined : await findUserById(trx, passkey.user_id);
      if (
        passkey === undefined ||
        passkey.revoked_at !== null ||
        user === undefined ||
        user.disabled_at !== null
      ) {
        throw new ProblemError("passkey.unknown_credential");
      }
      const verified = await verifyAssertion(
        input.credential,
        challenge.challenge,
        {
          credentialId: passkey.credential_id,
          publicKey: passkey.public_key,
          counter: Number(passkey.counter),
          transports: JSON.parse(passkey.transports) as string[],
          userHandle: userHandleOf(user.id),
        },
        ctx.settings,
      );
      const recorded = await recordPasskeyUse(trx, {
        id: passkey.id,
        expectedCounter: Number(passkey.counter),
        newCounter: verified.newCounter,
        backedUp: verified.backedUp,
        nowIso: now,
      });
      // Another sign-in moved the counter meanwhile: this assertion is no longer the newest.
      if (recorded === 0) throw new ProblemError("passkey.counter_regression");
      const bound = await completeSignIn(trx, ctx, user.id, input);
      return { userId: user.id, passkeyId: passkey.id, ...bound };
    }),
  );
}
