/**
 * Checking a passkey assertion against its stored credential, for sign-in and step-up alike:
 * the passkey and its owner must be active, the assertion must verify, and the signature
 * counter must move forward (recorded in the caller's transaction).
 * @module
 */
import type { AuthenticationResponseJSON } from "@simplewebauthn/server";
import type { KeyshipContext } from "../context.ts";
import type { PasskeysTable } from "../db/schema.ts";
import { ProblemError } from "../errors.ts";
import { findUserById } from "../users/store.ts";
import { findPasskeyByCredentialId, recordPasskeyUse } from "./store.ts";
import { userHandleOf, verifyAssertion, type WebauthnSettings } from "./webauthn.ts";

/**
 * Verifies `credential` for `expectedChallenge` and records the use, inside `trx`.
 * @param expected the challenge, the settings to verify with (step-up requires UV), and the
 *   user the passkey must belong to (step-up), or null for any user (sign-in)
 * @returns the passkey's id and owner
 * @throws ProblemError `passkey.unknown_credential` (also for revoked passkeys, disabled
 *   users and another user's passkey, with no hint which), `passkey.verification_failed`,
 *   `passkey.user_verification_required`, `passkey.counter_regression`
 */
export async function checkAssertion(
  trx: KeyshipContext["db"],
  ctx: Pick<KeyshipContext, "now">,
  credential: AuthenticationResponseJSON,
  expected: { challenge: string; settings: WebauthnSettings; userId: string | null },
): Promise<{ passkey: PasskeysTable; userId: string }> {
  const passkey = await findPasskeyByCredentialId(trx, credential.id);
  const user = passkey === undefined ? undefined : await findUserById(trx, passkey.user_id);
  if (
    passkey === undefined ||
    passkey.revoked_at !== null ||
    user === undefined ||
    user.disabled_at !== null ||
    (expected.userId !== null && user.id !== expected.userId)
  ) {
    throw new ProblemError("passkey.unknown_credential");
  }
  const verified = await verifyAssertion(
    credential,
    expected.challenge,
    {
      credentialId: passkey.credential_id,
      publicKey: passkey.public_key,
      counter: Number(passkey.counter),
      transports: JSON.parse(passkey.transports) as string[],
      userHandle: userHandleOf(user.id),
    },
    expected.settings,
  );
  const recorded = await recordPasskeyUse(trx, {
    id: passkey.id,
    expectedCounter: Number(passkey.counter),
    newCounter: verified.newCounter,
    backedUp: verified.backedUp,
    nowIso: ctx.now().toISOString(),
  });
  // Another sign-in moved the counter meanwhile: this assertion is no longer the newest.
  if (recorded === 0) throw new ProblemError("passkey.counter_regression");
  return { passkey, userId: user.id };
}
