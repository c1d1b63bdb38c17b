/**
 * Step-up re-authentication: a fresh, user-verified passkey assertion (or, for an account
 * without a passkey, its password) marks the calling device or session as stepped up for
 * `stepUpMaxAgeSeconds`. Sensitive actions require the mark (`stepUpGuard()`), so a stolen
 * short-lived token cannot add a passkey or revoke the owner's other devices. A step-up is
 * recorded as `stepup.succeeded` in the mark's transaction; a failed proof as `stepup.failed`.
 * @module
 */
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from "@simplewebauthn/server";
import type { AuditEventInput, AuditOutcome, AuditSource } from "../audit/model.ts";
import { recordAudit } from "../audit/service.ts";
import type { Principal } from "../auth/principal.ts";
import type { KeyshipContext } from "../context.ts";
import type { DB } from "../db/schema.ts";
import { ProblemError } from "../errors.ts";
import { checkAssertion } from "../passkeys/assertion.ts";
import { issueChallenge, type StartedCeremony, spendChallenge } from "../passkeys/challenges.ts";
import { countActivePasskeys, listPasskeysOfUser } from "../passkeys/store.ts";
import { requestOptions, type WebauthnSettings } from "../passkeys/webauthn.ts";
import { auditFailures } from "../signin/failures.ts";
import { findLiveStepUp, saveStepUp } from "./store.ts";

/** Where a client steps up, relative to the app (with `/auth` mounted at `/auth`). */
export const STEP_UP_ROUTES = Object.freeze({
  start: "/auth/step-up/start",
  finish: "/auth/step-up/finish",
  password: "/auth/step-up/password",
  oauth: "/auth/oauth/{provider}/step-up",
});

/**
 * The refusal of a sensitive action without a live step-up: 401 `auth.step_up_required`
 * with the RFC 9470 §3 challenge and the step-up routes in the body.
 * @param maxAgeSeconds the step-up lifetime, announced as `max_age`
 */
export function stepUpRequired(maxAgeSeconds: number): ProblemError {
  return new ProblemError("auth.step_up_required", {
    headers: {
      "WWW-Authenticate": `Bearer error="insufficient_user_authentication", max_age=${maxAgeSeconds}`,
    },
    extensions: { step_up: STEP_UP_ROUTES },
  });
}

/** Step-up always requires user verification, whatever `userVerification` says for sign-in. */
function stepUpSettings(ctx: Pick<KeyshipContext, "settings">): WebauthnSettings {
  return { ...ctx.settings, userVerification: "required" };
}

/** What a step-up marks: the caller's device or session; none for other credentials. */
function subjectIdOf(principal: Principal): string | undefined {
  return principal.deviceId ?? principal.sessionId;
}

/**
 * The caller's device or session, which a step-up marks.
 * @throws ProblemError `auth.step_up_required` for credentials that cannot step up
 */
function subjectOf(principal: Principal): string {
  const subject = subjectIdOf(principal);
  if (subject === undefined) throw new ProblemError("auth.step_up_required");
  return subject;
}

/**
 * Whether the caller's device or session stepped up within `stepUpMaxAgeSeconds`.
 * @param principal the caller
 */
export async function isSteppedUp(
  ctx: Pick<KeyshipContext, "db" | "now">,
  principal: Principal,
): Promise<boolean> {
  const subjectId = subjectIdOf(principal);
  if (subjectId === undefined) return false;
  const until = await findLiveStepUp(ctx.db, {
    subjectId,
    userId: principal.userId,
    nowIso: ctx.now().toISOString(),
  });
  return until !== undefined;
}

/**
 * For password routes: an account that has a passkey must prove itself with it (a password
 * alone, perhaps phished, does not step up such an account), so this throws unless the caller
 * has an active passkey step-up. Accounts without a passkey pass: their password proof counts.
 * @param requireMark with true, also demand a live mark of an account with a passkey (a
 *   password change); with false, refuse such an account outright (a password step-up)
 * @throws ProblemError `auth.step_up_required`
 */
export async function requirePasskeyProofIfAny(
  ctx: Pick<KeyshipContext, "db" | "now" | "settings">,
  principal: Principal,
  requireMark: boolean,
): Promise<void> {
  // Only a passkey step-up counts for an account that has an active passkey.
  if ((await countActivePasskeys(ctx.db, principal.userId)) === 0) return;
  if (requireMark && (await isSteppedUp(ctx, principal))) return;
  throw stepUpRequired(ctx.settings.stepUpMaxAgeSeconds);
}

/** How a step-up proved the user: `stepup.*`'s `data.method`. */
export type StepUpMethod = "passkey" | "password" | "oauth";

/**
 * A `stepup.succeeded` or `stepup.failed` event: the caller's device or session as target, the
 * method, and for a failure the problem code as `reason`.
 */
function stepUpEvent(
  principal: Principal,
  method: StepUpMethod,
  outcome: AuditOutcome,
  reason?: string,
): AuditEventInput {
  return {
    action: outcome === "success" ? "stepup.succeeded" : "stepup.failed",
    outcome,
    targetType: principal.deviceId === undefined ? "session" : "device",
    targetId: subjectIdOf(principal),
    data: { method, ...(reason === undefined ? {} : { reason }) },
  };
}

/**
 * Runs a step-up's proof and mark (`attempt`), recording a refused proof as `stepup.failed`
 * (every `passkey.*` code and `auth.invalid_credentials`; not rate limits, which have their own
 * event, nor a refusal before any proof).
 * @param ctx the database, clock, ids and logger
 * @param source the caller, and from where
 * @param step the caller stepping up, and how it proves itself
 * @param attempt the proof and the mark
 */
export function auditStepUp<T>(
  ctx: Pick<KeyshipContext, "db" | "now" | "newId" | "logger">,
  source: AuditSource,
  step: { principal: Principal; method: StepUpMethod },
  attempt: () => Promise<T>,
): Promise<T> {
  return auditFailures(ctx, source, attempt, (error) =>
    error.code.startsWith("passkey.") || error.code === "auth.invalid_credentials"
      ? stepUpEvent(step.principal, step.method, "failure", error.code)
      : undefined,
  );
}

/**
 * Marks the caller's device or session as stepped up, from now for `stepUpMaxAgeSeconds`, and
 * records `stepup.succeeded`, inside `trx`. Call it only after a fresh proof (a passkey
 * assertion, the password).
 * @param source the caller, and from where
 * @param step the caller, and how it proved itself
 * @returns when the mark ends (ISO 8601)
 */
export async function markSteppedUp(
  trx: DB,
  ctx: Pick<KeyshipContext, "now" | "newId" | "settings">,
  source: AuditSource,
  step: { principal: Principal; method: StepUpMethod },
): Promise<string> {
  const { principal } = step;
  const now = ctx.now();
  const until = new Date(now.getTime() + ctx.settings.stepUpMaxAgeSeconds * 1000).toISOString();
  await saveStepUp(trx, {
    subjectId: subjectOf(principal),
    userId: principal.userId,
    untilIso: until,
    nowIso: now.toISOString(),
  });
  await recordAudit(trx, ctx, source, stepUpEvent(principal, step.method, "success"));
  return until;
}

/**
 * Starts a step-up: assertion options limited to the caller's active passkeys, with user
 * verification required.
 * @throws ProblemError `auth.step_up_no_passkey` when the account has no passkey (step up
 *   with the password instead)
 */
export async function startStepUp(
  ctx: KeyshipContext,
  principal: Principal,
): Promise<StartedCeremony<PublicKeyCredentialRequestOptionsJSON>> {
  subjectOf(principal);
  const passkeys = (await listPasskeysOfUser(ctx.db, principal.userId)).filter(
    (p) => p.revoked_at === null,
  );
  if (passkeys.length === 0) throw new ProblemError("auth.step_up_no_passkey");
  const options = await requestOptions(
    stepUpSettings(ctx),
    passkeys.map((p) => ({
      id: p.credential_id,
      transports: JSON.parse(p.transports) as string[],
    })),
  );
  const flowId = await issueChallenge(ctx, {
    purpose: "stepup",
    challenge: options.challenge,
    userId: principal.userId,
    data: {},
  });
  return { flowId, options };
}

/**
 * Finishes a step-up. The challenge is spent before anything is verified, so a finish that
 * fails cannot be retried with another assertion. Recorded as `stepup.succeeded`, or
 * `stepup.failed` when refused.
 * @param source the caller, and from where
 * @returns when the mark ends (ISO 8601)
 * @throws ProblemError `passkey.challenge_invalid`, `passkey.unknown_credential` (also another
 *   user's passkey), `passkey.verification_failed`, `passkey.user_verification_required`,
 *   `passkey.counter_regression`
 */
export async function finishStepUp(
  ctx: KeyshipContext,
  source: AuditSource,
  principal: Principal,
  input: { flowId: string; credential: AuthenticationResponseJSON },
): Promise<{ steppedUpUntil: string }> {
  const step = { principal, method: "passkey" } as const;
  return auditStepUp(ctx, source, step, async () => {
    const challenge = await spendChallenge(ctx.db, ctx, {
      flowId: input.flowId,
      purpose: "stepup",
      userId: principal.userId,
    });
    return ctx.db.transaction().execute(async (trx) => {
      await checkAssertion(trx, ctx, input.credential, {
        challenge: challenge.challenge,
        settings: stepUpSettings(ctx),
        userId: principal.userId,
      });
      return { steppedUpUntil: await markSteppedUp(trx, ctx, source, step) };
    });
  });
}
