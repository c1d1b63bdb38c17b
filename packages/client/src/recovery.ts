/**
 * Email change and account recovery: the methods of a `KeyshipClient` that change the
 * account's address, manage its recovery codes, and get a user who lost every passkey back in
 * with a new one.
 * @module
 */

import type { SignIn } from "./client-context.ts";
import type { ApiCall } from "./http.ts";
import type { PasskeySignIn } from "./types.ts";
import type { PublicKeyCredentialCreationOptionsJSON, WebAuthnCeremonies } from "./webauthn.ts";

/** A new set of recovery codes: the only time they are shown. */
export interface RecoveryCodes {
  /** Ten single-use codes, `xxxx-xxxx-xxxx-xxxx`. */
  readonly codes: readonly string[];
  readonly createdAt: string;
}

/** How many recovery codes are left. */
export interface RecoveryCodesLeft {
  readonly remaining: number;
  /** When the current set was created; null when none was. */
  readonly createdAt: string | null;
}

/** What proves the account in {@link RecoveryMethods.recoverAccount}. */
export type RecoveryProof =
  | { readonly email: string; readonly code: string }
  /** The token of an emailed recovery link (`#token=` of the page it opens). */
  | { readonly token: string };

/** The email-change and recovery methods of a `KeyshipClient`. */
export interface RecoveryMethods {
  /**
   * Asks to change the signed-in user's email: the server mails a confirmation link to
   * `newEmail` (the answer is the same whether the address is taken). Needs a step-up, which
   * the client runs when asked.
   * @throws {KeyshipError} `client.not_signed_in`, `rate_limited`, a failed step-up's error
   */
  changeEmail(newEmail: string): Promise<void>;
  /**
   * Confirms an email change with the token of its link (no sign-in needed): the address
   * switches and becomes verified; sessions stay signed in.
   * @throws {KeyshipError} `email_change.token_invalid`
   */
  confirmEmailChange(token: string): Promise<{ readonly email: string }>;
  /**
   * Creates ten recovery codes, replacing the earlier ones, and returns them: show them once
   * and ask the user to keep them. Needs a step-up, which the client runs when asked.
   * @throws {KeyshipError} `recovery.no_email` (the account has no email address), …
   */
  createRecoveryCodes(): Promise<RecoveryCodes>;
  /** How many of the signed-in user's recovery codes are left. */
  recoveryCodesLeft(): Promise<RecoveryCodesLeft>;
  /**
   * Gets a user who lost their passkeys back in: checks the email and recovery code (or an
   * emailed recovery link's token), runs the browser's passkey prompt to create a new passkey,
   * and signs this browser in with a new device key. Every other device and session of the
   * account is signed out.
   * @throws {KeyshipError} `recovery.code_invalid` (unknown email or wrong code, with no hint
   *   which), `recovery.link_invalid`, `rate_limited`, `webauthn.not_allowed` (cancelled), …
   */
  recoverAccount(proof: RecoveryProof): Promise<PasskeySignIn>;
  /**
   * Asks for a recovery link by email (when the server enables it). The answer is the same
   * whether or not the address has an account.
   * @throws {KeyshipError} `rate_limited`, `route.not_found` when the server does not offer it
   */
  requestRecoveryEmail(email: string): Promise<void>;
}

/** What the recovery methods are built from (the client's callers and its sign-in step). */
export interface RecoveryDependencies {
  /** Calls without a token. */
  readonly call: ApiCall;
  /** Calls with this device's token, stepping up when asked. */
  readonly signedCall: ApiCall;
  readonly webauthn: WebAuthnCeremonies;
  readonly deviceLabel: string | undefined;
  /** Generates a device key, lets `finish` bind it, then keeps it as this browser's. */
  readonly signIn: SignIn;
}

/**
 * The email-change and recovery methods.
 * @param deps the client's callers, WebAuthn ceremonies and sign-in step
 */
export function recoveryMethods(deps: RecoveryDependencies): RecoveryMethods {
  const { call, signedCall } = deps;
  return {
    async changeEmail(newEmail) {
      await signedCall<unknown>("POST", "/auth/email/change", { newEmail });
    },

    confirmEmailChange: (token) =>
      call<{ email: string }>("POST", "/auth/email/change/confirm", { token }),

    createRecoveryCodes: () => signedCall<RecoveryCodes>("POST", "/auth/recovery-codes"),

    recoveryCodesLeft: () => signedCall<RecoveryCodesLeft>("GET", "/auth/recovery-codes"),

    async recoverAccount(proof) {
      const body =
        "token" in proof ? { token: proof.token } : { email: proof.email, code: proof.code };
      const start = await call<{
        flowId: string;
        options: PublicKeyCredentialCreationOptionsJSON;
      }>("POST", "/auth/recovery/start", body);
      const credential = await deps.webauthn.createCredential(start.options);
      return deps.signIn<PasskeySignIn>("/auth/recovery/finish", {
        flowId: start.flowId,
        credential,
        deviceLabel: deps.deviceLabel,
      });
    },

    async requestRecoveryEmail(email) {
      await call<unknown>("POST", "/auth/recovery/email", { email });
    },
  };
}
