/**
 * `createKeyshipClient()`: passkey and password sign-in, account management, and an
 * authorised `fetch`, over one device session.
 * @module
 */

import { accountMethods, sessionMethods } from "./account-methods.ts";
import { createClientContext } from "./client-context.ts";
import { type OAuthMethods, oauthMethods } from "./oauth.ts";
import { type KeyshipClientOptions, resolveClientOptions } from "./options.ts";
import { passkeyCeremonies } from "./passkey-methods.ts";
import { type PasswordMethods, passwordMethods } from "./password-methods.ts";
import { type ProfileMethods, profileMethods } from "./profile.ts";
import { type RealtimeMethods, realtimeMethods } from "./realtime.ts";
import { type RecoveryMethods, recoveryMethods } from "./recovery.ts";
import type { SteppedUp, StepUpInput } from "./step-up.ts";
import type { Device, Passkey, PasskeySignIn } from "./types.ts";

/**
 * A keyship client, from {@link createKeyshipClient}. Every method rejects with a
 * `KeyshipError` (see its `code`).
 * @example
 * const keyship: KeyshipClient = createKeyshipClient({ baseUrl: "http://localhost:8787" });
 * await keyship.login();
 */
export interface KeyshipClient
  extends RealtimeMethods,
    RecoveryMethods,
    OAuthMethods,
    PasswordMethods,
    ProfileMethods {
  /**
   * Creates an account with a new passkey and signs this browser in.
   * @throws {KeyshipError} `webauthn.*`, `passkey.email_taken`, `passkey.verification_failed`, …
   */
  register(input?: {
    readonly email?: string;
    readonly displayName?: string;
    readonly fields?: Readonly<Record<string, unknown>>; // the server's `user.fields`
  }): Promise<PasskeySignIn>;
  /**
   * Signs in with a passkey through the browser's passkey prompt.
   * @throws {KeyshipError} `webauthn.not_allowed` (cancelled), `passkey.unknown_credential`, …
   */
  login(): Promise<PasskeySignIn>;
  /**
   * Offers passkeys in the autofill of the input matching `inputSelector` (conditional UI)
   * and resolves once the user picks one. Adds `webauthn` to the input's `autocomplete`
   * when missing. Any other ceremony (e.g. `login()`) cancels it with `webauthn.aborted`.
   * @throws {KeyshipError} `webauthn.autofill_unsupported`, `webauthn.autofill_input_missing`, `webauthn.aborted`, …
   */
  loginWithAutofill(inputSelector: string): Promise<PasskeySignIn>;
  /**
   * Adds a passkey to the signed-in account.
   * @throws {KeyshipError} `client.not_signed_in`, `webauthn.already_registered`, …
   */
  addPasskey(input?: { readonly name?: string }): Promise<{ readonly passkeyId: string }>;
  /**
   * Revokes this device on the server and forgets its key. The key is forgotten even when
   * the server cannot be reached (that error is then rethrown); a 401 counts as success.
   */
  logout(): Promise<void>;
  /** The signed-in user's passkeys, revoked ones included. */
  listPasskeys(): Promise<readonly Passkey[]>;
  /** Renames a passkey of the signed-in user. @throws {KeyshipError} `resource.not_found` */
  renamePasskey(id: string, name: string): Promise<void>;
  /** Revokes a passkey. @throws {KeyshipError} `passkey.last_passkey` (409) for the last one */
  revokePasskey(id: string): Promise<void>;
  /** The signed-in user's devices (`current` marks this browser). */
  listDevices(): Promise<readonly Device[]>;
  /** Revokes a device; revoking this browser's device also forgets its key. */
  revokeDevice(id: string): Promise<void>;
  /** Revokes every device of the user except this one. */
  revokeOtherDevices(): Promise<void>;
  /**
   * Proves the user again for sensitive actions (adding, renaming or revoking a passkey,
   * revoking devices): the passkey prompt with user verification, or with `password` the
   * password of an account that has no passkey. Methods and `fetch()` do this on their own
   * when the server answers `auth.step_up_required` (see `autoStepUp`).
   * @throws {KeyshipError} `webauthn.not_allowed` (cancelled), `auth.step_up_no_passkey`, `auth.invalid_credentials`, …
   */
  stepUp(input?: StepUpInput): Promise<SteppedUp>;
  /**
   * `fetch` with `Authorization: Bearer <device token>`. The token is cached until shortly
   * before it expires; a 401 `token.expired` is retried exactly once with a new token, and
   * a 401 `auth.step_up_required` once after the passkey step-up (unless `autoStepUp` is
   * false). Relative URLs resolve against `baseUrl`. Other statuses are returned, not thrown.
   * @throws {KeyshipError} `client.not_signed_in`, `client.untrusted_origin`, `client.network_error`, a failed step-up's error
   */
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
  /** A fresh, short-lived token with `aud: "keyship:ws"`, for a WebSocket handshake. */
  wsToken(): Promise<string>;
  /** True when this browser holds a device key (it is not checked with the server). */
  isSignedIn(): Promise<boolean>;
}

/**
 * Creates a keyship client for one server.
 *
 * @param options `baseUrl` and optional settings (see {@link KeyshipClientOptions})
 * @throws {KeyshipError} `client.invalid_options`
 * @example
 * import { createKeyshipClient } from "@keyship/client";
 *
 * const keyship = createKeyshipClient({ baseUrl: "http://localhost:8787" });
 * if (!(await keyship.isSignedIn())) await keyship.login();
 * const response = await keyship.fetch("/api/orders");
 */
export function createKeyshipClient(options: KeyshipClientOptions): KeyshipClient {
  const context = createClientContext(resolveClientOptions(options));
  const session = sessionMethods(context);
  return {
    ...passkeyCeremonies(context),
    ...accountMethods(context),
    ...profileMethods(context),
    ...session,
    ...passwordMethods(context),
    ...realtimeMethods(context.config, session),
    ...recoveryMethods({
      ...context,
      webauthn: context.config.webauthn,
      deviceLabel: context.config.deviceLabel,
    }),
    ...oauthMethods({
      ...context,
      baseUrl: context.config.baseUrl,
      deviceLabel: context.config.deviceLabel,
    }),
    stepUp: (input) => context.stepUp.run(input),
  };
}
