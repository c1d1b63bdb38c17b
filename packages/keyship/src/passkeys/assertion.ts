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
import { findPasskeyWithOwner, recordPasskeyUse } from "./store.ts";
import { userHandleOf, verifyAssertion, type WebauthnSettings } from "./webauthn.ts";

/** An assertion that verified against its stored passkey, not yet recorded. */
export interface CheckedAssertion {
  readonly passkey: PasskeysTable;
  readonly userId: string;
  readonly newCounter: number;
  readonly backedUp: boolean;
}

/**
 * Verifies `credential` for `expectedChallenge` against its stored passkey, writing nothing:
 * reads the passkey and its owner (one query), then runs the WebAuthn checks
 * (`verifyAssertion`). Outside any transaction, so that no database connection waits on the
 * signature check; {@link recordAssertion} then records it, conditionally, in one.
 * @param db the database (or a transaction)
 * @param expected the challenge, the settings to verify with (step-up requires UV), and the
 *   user the passkey must belong to (step-up), or null for any user (sign-in)
 * @throws ProblemError `passkey.unknown_credential` (also for revoked passkeys, disabled
 *   users and another user's passkey, with no hint which), `passkey.verification_failed`,
 *   `passkey.user_verification_required`, `passkey.counter_regression`
 */
export async function verifyStoredAssertion(
  db: KeyshipContext["db"],
  credential: AuthenticationResponseJSON,
  expected: { challenge: string; settings: WebauthnSettings; userId: string | null },
): Promise<CheckedAssertion> {
  const found = await findPasskeyWithOwner(db, credential.id);
  if (
    found === undefined ||
    found.revoked_at !== null ||
    found.owner_disabled_at !== null ||
    (expected.userId !== null && found.user_id !== expected.userId)
  ) {
    throw new ProblemError("passkey.unknown_credential");
  }
  const { owner_disabled_at: _, ...passkey } = found;
  const verified = await verifyAssertion(
    credential,
    expected.challenge,
    {
      credentialId: passkey.credential_id,
      publicKey: passkey.public_key,
      counter: Number(passkey.counter),
      transports: JSON.parse(passkey.transports) as string[],
      userHandle: userHandleOf(passkey.user_id),
    },
    expected.settings,
  );
  return { passkey, userId: passkey.user_id, ...verified };
}

/**
 * Records a checked assertion inside `trx`: the new counter and backup state, only if the
 * passkey still has the counter it was verified against, is not revoked and its owner is not
 * disabled (all in one conditional update, so nothing that changed since the check slips by).
 * @throws ProblemError `passkey.counter_regression` (another sign-in moved the counter
 *   meanwhile), `passkey.unknown_credential` (revoked or disabled meanwhile)
 */
export async function recordAssertion(
  trx: KeyshipContext["db"],
  ctx: Pick<KeyshipContext, "now">,
  checked: CheckedAssertion,
): Promise<void> {
  const recorded = await recordPasskeyUse(trx, {
    id: checked.passkey.id,
    expectedCounter: Number(checked.passkey.counter),
    newCounter: checked.newCounter,
    backedUp: checked.backedUp,
    nowIso: ctx.now().toISOString(),
  });
  if (recorded === 1) return;
  const now = await findPasskeyWithOwner(trx, checked.passkey.credential_id);
  throw new ProblemError(
    now === undefined || now.revoked_at !== null || now.owner_disabled_at !== null
      ? "passkey.unknown_credential"
      : "passkey.counter_regression",
  );
}

/**
 * Verifies `credential` for `expectedChallenge` and records the use, inside `trx`
 * ({@link verifyStoredAssertion}, then {@link recordAssertion}).
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
  const checked = await verifyStoredAssertion(trx, credential, expected);
  await recordAssertion(trx, ctx, checked);
  return { passkey: checked.passkey, userId: checked.userId };
}
