/**
 * Passkey registration: a new account with its first passkey and device, in one transaction.
 * @module
 */
import type {
  PublicKeyCredentialCreationOptionsJSON,
  RegistrationResponseJSON,
} from "@simplewebauthn/server";
import type { AuditSource } from "../audit/model.ts";
import { recordAudit } from "../audit/service.ts";
import type { KeyshipContext } from "../context.ts";
import { isUniqueViolation } from "../db/errors.ts";
import { ProblemError } from "../errors.ts";
import { observeSignIn } from "../observability/signin.ts";
import {
  type CompletedSignIn,
  completeSignIn,
  recordSignIn,
  type SignInBinding,
} from "../signin/complete.ts";
import { createAccount } from "../users/create.ts";
import { normalizeEmail } from "../users/model.ts";
import { issueChallenge, type StartedCeremony, spendChallenge } from "./challenges.ts";
import { newPasskeyName } from "./provider-names.ts";
import { findPasskeyByCredentialId, insertPasskey } from "./store.ts";
import { creationOptions, type VerifiedRegistration, verifyRegistration } from "./webauthn.ts";

/** The account a registration will create, kept with the challenge until finish. */
interface PendingAccount {
  readonly userId: string;
  readonly email: string | null;
  readonly displayName: string | null;
  /** The app-defined fields given at start, validated there. */
  readonly fields?: Readonly<Record<string, unknown>>;
}

/**
 * Starts a registration. No user row is written until the ceremony finishes (SECURITY.md).
 * @param input optional email, display name and app-defined fields (already validated) for
 *   the new account
 */
export async function startPasskeyRegistration(
  ctx: KeyshipContext,
  input: {
    email?: string | undefined;
    displayName?: string | undefined;
    fields?: Readonly<Record<string, unknown>>;
  },
): Promise<StartedCeremony<PublicKeyCredentialCreationOptionsJSON>> {
  const pending: PendingAccount = {
    userId: ctx.newId("user"),
    email: input.email === undefined ? null : normalizeEmail(input.email),
    displayName: input.displayName?.trim() || null,
    fields: input.fields ?? {},
  };
  const label = pending.email ?? pending.displayName ?? "keyship user";
  const options = await creationOptions(
    ctx.settings,
    { id: pending.userId, name: label, displayName: pending.displayName ?? label },
    [],
  );
  const flowId = await issueChallenge(ctx, {
    purpose: "register",
    challenge: options.challenge,
    userId: null,
    data: pending,
  });
  return { flowId, options };
}

/** What a finish step receives besides the ceremony. */
export type DeviceInput = SignInBinding;

/** A sign-in's result; answer it with `respondSignedIn()`. */
export interface SignInResult extends CompletedSignIn {
  readonly userId: string;
  readonly passkeyId: string;
}

/** A verified credential to store as a passkey of `userId`, named `name`. */
export interface NewPasskey {
  readonly userId: string;
  readonly credential: VerifiedRegistration;
  readonly name: string;
}

/**
 * Stores a verified credential as a passkey of its user, inside the caller's transaction, and
 * records `passkey.added` (data `{ name }`) there.
 * @param source who added it (a sign-up has the new user as actor)
 * @throws ProblemError `passkey.already_registered` when the credential id exists (any user)
 */
export async function storeNewPasskey(
  trx: KeyshipContext["db"],
  ctx: Pick<KeyshipContext, "now" | "newId">,
  source: AuditSource,
  passkey: NewPasskey,
): Promise<string> {
  const { userId, credential } = passkey;
  // SECURITY: credential ids are unique across users.
  if ((await findPasskeyByCredentialId(trx, credential.credentialId)) !== undefined) {
    throw new ProblemError("passkey.already_registered");
  }
  const id = ctx.newId("passkey");
  const name = passkey.name.trim().slice(0, 64) || "Passkey";
  try {
    await insertPasskey(trx, {
      id,
      user_id: userId,
      credential_id: credential.credentialId,
      public_key: credential.publicKey,
      counter: credential.counter,
      transports: JSON.stringify(credential.transports),
      aaguid: credential.aaguid,
      backed_up: credential.backedUp ? 1 : 0,
      backup_eligible: credential.backupEligible ? 1 : 0,
      name,
      created_at: ctx.now().toISOString(),
      last_used_at: null,
      revoked_at: null,
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw new ProblemError("passkey.already_registered", { cause: error });
    throw error;
  }
  await recordAudit(trx, ctx, source, {
    action: "passkey.added",
    targetType: "passkey",
    targetId: id,
    data: { name },
  });
  return id;
}

/**
 * Finishes a registration. The challenge is spent first, on its own, so a finish that fails
 * cannot be retried; then one transaction verifies the credential and creates the user,
 * passkey and device, with their audit rows (`user.signed_up`, `passkey.added`,
 * `device.bound`). Any failure leaves no account behind.
 * @param source where the request came from (the new user becomes the actor)
 * @throws ProblemError `passkey.challenge_invalid`, `passkey.verification_failed`,
 *   `passkey.user_verification_required`, `passkey.already_registered`, `passkey.email_taken`
 */
export async function finishPasskeyRegistration(
  ctx: KeyshipContext,
  source: AuditSource,
  input: DeviceInput & { flowId: string; credential: RegistrationResponseJSON },
): Promise<SignInResult> {
  return observeSignIn("passkey_register", async () => {
    const challenge = await spendChallenge(ctx.db, ctx, {
      flowId: input.flowId,
      purpose: "register",
      userId: null,
    });
    const pending = JSON.parse(challenge.data) as PendingAccount;
    const verified = await verifyRegistration(input.credential, challenge.challenge, ctx.settings);
    return ctx.db.transaction().execute(async (trx) => {
      await createAccount(
        trx,
        ctx.settings,
        ctx.dialect,
        {
          id: pending.userId,
          email: pending.email,
          displayName: pending.displayName,
          passwordHash: null,
          fields: JSON.stringify(pending.fields ?? {}),
        },
        ctx.now().toISOString(),
        "passkey.email_taken",
      );
      const userId = pending.userId;
      const asUser = { ...source, actorId: userId };
      await recordSignIn(trx, ctx, asUser, { action: "user.signed_up", method: "passkey", userId });
      const passkeyId = await storeNewPasskey(trx, ctx, asUser, {
        userId,
        credential: verified,
        name: newPasskeyName(verified.aaguid, []),
      });
      const bound = await completeSignIn(trx, ctx, asUser, userId, input);
      return { userId, passkeyId, ...bound };
    });
  });
}
