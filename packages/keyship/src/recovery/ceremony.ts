/**
 * The recovery ceremony: a recovery code (or, when enabled, an emailed recovery link) opens a
 * registration of a new passkey on the account; finishing it spends the code, revokes every
 * other device and session, signs this browser in and mails the account.
 * @module
 */
import type {
  PublicKeyCredentialCreationOptionsJSON,
  RegistrationResponseJSON,
} from "@simplewebauthn/server";
import type { AuditSource } from "../audit/model.ts";
import { recordAudit } from "../audit/service.ts";
import { lockUser } from "../db/lock.ts";
import type { Trx, UsersTable } from "../db/schema.ts";
import { revokeDevicesInside } from "../devices/service.ts";
import { accountRecoveredNotice } from "../email/account-templates.ts";
import { sendInBackground } from "../email/background.ts";
import { ProblemError } from "../errors.ts";
import { issueChallenge, type StartedCeremony, spendChallenge } from "../passkeys/challenges.ts";
import { creationOptionsFor } from "../passkeys/manage.ts";
import { type DeviceInput, type SignInResult, storeNewPasskey } from "../passkeys/register.ts";
import { listPasskeysOfUser } from "../passkeys/store.ts";
import { verifyRegistration } from "../passkeys/webauthn.ts";
import { hashEmailToken } from "../passwords/tokens.ts";
import { completeSignIn } from "../signin/complete.ts";
import { recordFailure } from "../signin/failures.ts";
import { normalizeEmail } from "../users/model.ts";
import { findUserByEmail, findUserById } from "../users/store.ts";
import { hashRecoveryCode, normalizeRecoveryCode } from "./codes.ts";
import type { RecoveryContext } from "./context.ts";
import { limitRecoveryAttempt } from "./limits.ts";
import {
  countUnusedRecoveryCodes,
  findUnusedRecoveryCode,
  findUsableRecoveryLink,
  spendRecoveryCode,
  spendRecoveryLink,
  spendRecoveryLinksOfUser,
} from "./store.ts";

/** How an account is proven at the start: a code with its email, or an emailed link. */
export type RecoveryProof =
  | { readonly email: string; readonly code: string }
  | { readonly token: string };

/** What the challenge keeps for the finish step (never a secret: the proof's row id). */
interface PendingRecovery {
  readonly userId: string;
  readonly method: "code" | "email";
  readonly proofId: string;
}

// Looked up for unknown emails too, so both answers run the same queries.
const NO_USER = "u".padEnd(32, "0");

const isActive = (user: UsersTable | undefined): user is UsersTable =>
  user !== undefined && user.disabled_at === null;

/** The `account.recovery_failed` event (the account as target when the email named one). */
function recoveryFailed(method: "code" | "email", reason: string, userId?: string | undefined) {
  return {
    action: "account.recovery_failed",
    ...(userId === undefined ? {} : { targetType: "user", targetId: userId }),
    data: { method, reason },
  } as const;
}

/**
 * Checks an email and code, counting the attempt per IP and per email first. Every refusal
 * (unknown email, disabled account, malformed, wrong or used code) runs the same two queries,
 * writes one `account.recovery_failed` row and throws the same problem.
 */
async function proveWithCode(
  ctx: RecoveryContext,
  source: AuditSource,
  input: { email: string; code: string; clientIp: string },
): Promise<PendingRecovery> {
  const email = normalizeEmail(input.email);
  await limitRecoveryAttempt(ctx, source, { clientIp: input.clientIp, account: email });
  const user = await findUserByEmail(ctx.db, email);
  const userId = isActive(user) ? user.id : NO_USER;
  const code = normalizeRecoveryCode(input.code) ?? "";
  const row = await findUnusedRecoveryCode(ctx.db, userId, hashRecoveryCode(userId, code));
  if (row === undefined || userId === NO_USER) {
    await recordFailure(ctx, source, recoveryFailed("code", "code_invalid", user?.id));
    throw new ProblemError("recovery.code_invalid");
  }
  return { userId, method: "code", proofId: row.id };
}

/** Checks an emailed recovery link (only when `recoveryEmailEnabled`), counted per IP. */
async function proveWithLink(
  ctx: RecoveryContext,
  source: AuditSource,
  input: { token: string; clientIp: string },
): Promise<PendingRecovery> {
  await limitRecoveryAttempt(ctx, source, { clientIp: input.clientIp });
  const now = ctx.now().toISOString();
  const link = ctx.settings.recoveryEmailEnabled
    ? await findUsableRecoveryLink(ctx.db, hashEmailToken(input.token), now)
    : undefined;
  const user = link === undefined ? undefined : await findUserById(ctx.db, link.user_id);
  if (link === undefined || !isActive(user)) {
    await recordFailure(ctx, source, recoveryFailed("email", "link_invalid", link?.user_id));
    throw new ProblemError("recovery.link_invalid");
  }
  return { userId: user.id, method: "email", proofId: link.id };
}

/**
 * Starts a recovery: checks the proof and answers creation options for a new passkey on the
 * account (its active passkeys excluded). Nothing is spent yet: the finish step spends the code.
 * @param source where the request came from (anonymous)
 * @param input the proof and the client's IP (for the rate limits)
 * @throws ProblemError `rate_limited` (per IP, then per email), `recovery.code_invalid` (unknown
 *   email, disabled account, wrong or used code — with no hint which), `recovery.link_invalid`
 */
export async function startRecovery(
  ctx: RecoveryContext,
  source: AuditSource,
  input: RecoveryProof & { clientIp: string },
): Promise<StartedCeremony<PublicKeyCredentialCreationOptionsJSON>> {
  const pending =
    "token" in input
      ? await proveWithLink(ctx, source, input)
      : await proveWithCode(ctx, source, input);
  const user = (await findUserById(ctx.db, pending.userId)) as UsersTable;
  const options = await creationOptionsFor(ctx, user);
  const flowId = await issueChallenge(ctx, {
    purpose: "recover",
    challenge: options.challenge,
    userId: null,
    data: pending,
  });
  return { flowId, options };
}

/** What a finished recovery returns: a sign-in, plus where the notice goes. */
interface Recovered extends SignInResult {
  readonly email: string | null;
}

/**
 * Inside the finish's transaction: spends the proof (or refuses a spent one), revokes every
 * device and session, stores the passkey, binds this browser and records `account.recovered`.
 */
async function recoverInside(
  trx: Trx,
  ctx: RecoveryContext,
  source: AuditSource,
  args: { pending: PendingRecovery; verified: Awaited<ReturnType<typeof verifyRegistration>> },
  input: DeviceInput,
): Promise<Recovered> {
  const { userId, method, proofId } = args.pending;
  await lockUser(trx, ctx.dialect, userId);
  const user = await findUserById(trx, userId);
  const nowIso = ctx.now().toISOString();
  const spend = method === "code" ? spendRecoveryCode : spendRecoveryLink;
  if (!isActive(user) || (await spend(trx, { id: proofId, userId, nowIso })) === 0) {
    throw new ProblemError(method === "code" ? "recovery.code_invalid" : "recovery.link_invalid");
  }
  if (method === "email") await spendRecoveryLinksOfUser(trx, userId, nowIso);
  // The account is proven by the code: the user is the actor of everything it does.
  const asUser = { ...source, actorId: userId };
  await revokeDevicesInside(trx, ctx, asUser, { userId, reason: "recovery" });
  await ctx.revokeAllSessions(trx, userId, { source: asUser, reason: "recovery" });
  const count = (await listPasskeysOfUser(trx, userId)).length;
  const passkeyId = await storeNewPasskey(trx, ctx, asUser, {
    userId,
    credential: args.verified,
    name: `Passkey ${count + 1}`,
  });
  const bound = await completeSignIn(trx, ctx, asUser, userId, input);
  const { remaining } = await countUnusedRecoveryCodes(trx, userId);
  await recordAudit(trx, ctx, asUser, {
    action: "account.recovered",
    targetType: "user",
    targetId: userId,
    data: {
      method,
      passkeyId,
      ...(bound.deviceId === null ? {} : { deviceId: bound.deviceId }),
      ...(bound.session === undefined ? {} : { sessionId: bound.session.sessionId }),
      codesLeft: remaining,
    },
  });
  return { userId, passkeyId, ...bound, email: user.email };
}

/**
 * Finishes a recovery. The challenge is spent first, on its own (a failed finish cannot be
 * retried: start again with the same code); then one transaction spends the code, revokes
 * every device and session of the account, stores the new passkey and binds this browser,
 * with their audit rows (`device.revoked` and `session.revoked` with reason `recovery`,
 * `passkey.added`, `device.bound`, `account.recovered`). After commit the cached principals of
 * the user are dropped and the account is mailed. A refusal after the challenge is recorded as
 * `account.recovery_failed`.
 * @param source where the request came from (the user becomes the actor)
 * @throws ProblemError `passkey.challenge_invalid`, `passkey.verification_failed`,
 *   `passkey.user_verification_required`, `passkey.already_registered`,
 *   `recovery.code_invalid` / `recovery.link_invalid` (spent meanwhile, or the account disabled)
 */
export async function finishRecovery(
  ctx: RecoveryContext,
  source: AuditSource,
  input: DeviceInput & { flowId: string; credential: RegistrationResponseJSON },
): Promise<SignInResult> {
  const challenge = await spendChallenge(ctx.db, ctx, {
    flowId: input.flowId,
    purpose: "recover",
    userId: null,
  });
  const pending = JSON.parse(challenge.data) as PendingRecovery;
  let recovered: Recovered;
  try {
    const verified = await verifyRegistration(input.credential, challenge.challenge, ctx.settings);
    recovered = await ctx.db
      .transaction()
      .execute((trx) => recoverInside(trx, ctx, source, { pending, verified }, input));
  } catch (error) {
    if (error instanceof ProblemError) {
      await recordFailure(ctx, source, recoveryFailed(pending.method, error.code, pending.userId));
    }
    throw error;
  }
  ctx.invalidateUser(recovered.userId);
  const { email, ...signedIn } = recovered;
  if (email !== null && ctx.mailer !== undefined) {
    sendInBackground(
      { mailer: ctx.mailer, logger: ctx.logger },
      accountRecoveredNotice({ to: email, appName: ctx.settings.rpName }),
    );
  }
  return signedIn;
}
