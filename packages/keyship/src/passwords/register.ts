/**
 * Password registration: a new account with its password hash and first device, in one
 * transaction, and a verification email.
 * @module
 */
import type { AuditSource } from "../audit/model.ts";
import { sendInBackground } from "../email/background.ts";
import { observeSignIn } from "../observability/signin.ts";
import {
  type CompletedSignIn,
  completeSignIn,
  recordSignIn,
  type SignInBinding,
} from "../signin/complete.ts";
import { createAccount } from "../users/create.ts";
import { normalizeEmail } from "../users/model.ts";
import type { PasswordsContext } from "./context.ts";
import { limitAttempt } from "./limits.ts";
import type { PasswordSignInResult } from "./login.ts";
import { issueEmailToken, tokenEmail } from "./mail.ts";
import { checkPasswordPolicy } from "./policy.ts";

/** A password registration's input. */
export interface PasswordRegisterInput extends SignInBinding {
  readonly email: string;
  readonly password: string;
  readonly displayName?: string | undefined;
  /** The app-defined fields, already validated by the route. @default {} */
  readonly fields?: Readonly<Record<string, unknown>>;
  readonly clientIp: string;
}

/**
 * Creates an account with a password. Binds the client's device, unless
 * `requireEmailVerification` is on: then the account waits for its email to be verified and
 * `deviceId` is null. Either way a verification email goes out. Recorded as `user.signed_up`
 * (and `device.bound`) in the account's transaction.
 * @param source where the request came from (the new user becomes the actor)
 * @throws ProblemError `rate_limited` (per IP), `password.too_short`, `password.too_long`,
 *   `password.email_taken`
 */
export async function registerWithPassword(
  ctx: PasswordsContext,
  source: AuditSource,
  input: PasswordRegisterInput,
): Promise<PasswordSignInResult> {
  await limitAttempt(ctx, source, { kind: "register", clientIp: input.clientIp });
  const email = normalizeEmail(input.email);
  const password = checkPasswordPolicy(input.password, ctx.policy);
  // Hash before looking the email up, so a taken email costs the same time.
  const hash = await ctx.hasher.hash(password);
  const { result, token } = await observeSignIn("password_register", () =>
    ctx.db.transaction().execute(async (trx) => {
      const now = ctx.now().toISOString();
      const userId = ctx.newId("user");
      const displayName = input.displayName?.trim() || null;
      await createAccount(
        trx,
        ctx.settings,
        ctx.dialect,
        {
          id: userId,
          email,
          displayName,
          passwordHash: hash,
          fields: JSON.stringify(input.fields ?? {}),
        },
        now,
        "password.email_taken",
      );
      const asUser = { ...source, actorId: userId };
      await recordSignIn(trx, ctx, asUser, {
        action: "user.signed_up",
        method: "password",
        userId,
      });
      // With verification required, nothing is bound until the email is confirmed.
      const bound: CompletedSignIn = ctx.settings.requireEmailVerification
        ? { deviceId: null }
        : await completeSignIn(trx, ctx, asUser, userId, input);
      const token = await issueEmailToken(trx, ctx, "email_verifications", userId);
      return { result: { userId, ...bound }, token };
    }),
  );
  sendInBackground(ctx, tokenEmail(ctx, "email_verifications", email, token));
  return result;
}
