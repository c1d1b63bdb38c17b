/**
 * `createKeyshipClient()`: passkey and password sign-in, account management, and an
 * authorised `fetch`, over one device session.
 * @module
 */

import { prepareAutofillInput } from "./autofill.ts";
import {
  type DevicePublicJwk,
  exportDevicePublicJwk,
  generateDeviceKeyPair,
} from "./device-key.ts";
import { isKeyshipError, KeyshipError } from "./errors.ts";
import { type ApiCall, apiCaller, sendRequest } from "./http.ts";
import { type OAuthMethods, oauthMethods } from "./oauth.ts";
import {
  type KeyshipClientOptions,
  type ResolvedClientOptions,
  resolveClientOptions,
} from "./options.ts";
import type { PasswordMethods } from "./password-methods.ts";
import { type ProfileMethods, profileMethods } from "./profile.ts";
import { type RealtimeMethods, realtimeMethods } from "./realtime.ts";
import { type RecoveryMethods, recoveryMethods } from "./recovery.ts";
import { createDeviceSession, type DeviceSession, retireDevice } from "./session.ts";
import {
  createStepUpRunner,
  type SteppedUp,
  type StepUpInput,
  type StepUpRunner,
  withStepUpRetry,
} from "./step-up.ts";
import type { Device, Passkey, PasskeySignIn, PasswordSignIn } from "./types.ts";
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from "./webauthn.ts";

/** A WebAuthn ceremony's first step, as the server answers it. */
interface CeremonyStart<Options> {
  readonly flowId: string;
  readonly options: Options;
}

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
      signIn: (finish) => signIn(context, finish),
    }),
    ...oauthMethods({
      ...context,
      baseUrl: context.config.baseUrl,
      deviceLabel: context.config.deviceLabel,
      signIn: (finish) => signIn(context, finish),
    }),
    stepUp: (input) => context.stepUp.run(input),
  };
}

/** What the client's method groups share: the settings, the session and the two callers. */
interface ClientContext {
  readonly config: ResolvedClientOptions;
  readonly session: DeviceSession;
  /** Calls without a token. */
  readonly call: ApiCall;
  /** Calls with this device's token (see {@link DeviceSession.send}), stepping up when asked. */
  readonly signedCall: ApiCall;
  /** Sends with this device's token, stepping up when asked (see `autoStepUp`). */
  readonly signedSend: (request: Request) => Promise<Response>;
  readonly stepUp: StepUpRunner;
}

/** Creates the device session and the API callers of one client. */
function createClientContext(config: ResolvedClientOptions): ClientContext {
  const session = createDeviceSession(config);
  const send = (request: Request) => session.send(request);
  // The step-up's own calls never step up themselves: no loop.
  const stepUp = createStepUpRunner({
    signedCall: apiCaller(config.baseUrl, send),
    webauthn: config.webauthn,
  });
  const signedSend = config.autoStepUp ? withStepUpRetry(send, stepUp) : send;
  return {
    config,
    session,
    call: apiCaller(config.baseUrl, sendRequest),
    signedCall: apiCaller(config.baseUrl, signedSend),
    signedSend,
    stepUp,
  };
}

/** Generates a device key, lets `finish` bind it on the server, then stores it. */
async function signIn<T extends { readonly deviceId: string }>(
  context: ClientContext,
  finish: (devicePublicKey: DevicePublicJwk) => Promise<T>,
): Promise<T> {
  const keyPair = await generateDeviceKeyPair();
  const result = await finish(await exportDevicePublicJwk(keyPair.publicKey));
  if (typeof result?.deviceId !== "string") {
    throw new KeyshipError({ code: "client.unexpected_response", status: 200 });
  }
  const replaced = await context.session.adopt({ deviceId: result.deviceId, keyPair });
  if (replaced !== undefined) retireDevice(context.config, replaced).catch(() => {});
  return result;
}

/** Finishes a passkey registration or login at `path` and signs this browser in. */
function finishPasskeySignIn(
  context: ClientContext,
  path: string,
  start: CeremonyStart<unknown>,
  credential: RegistrationResponseJSON | AuthenticationResponseJSON,
): Promise<PasskeySignIn> {
  return signIn(context, (devicePublicKey) =>
    context.call<PasskeySignIn>("POST", path, {
      flowId: start.flowId,
      credential,
      devicePublicKey,
      deviceLabel: context.config.deviceLabel,
    }),
  );
}

/** Signs in with a passkey, through the modal prompt or (with `autofill`) the autofill UI. */
async function passkeyLogin(context: ClientContext, autofill: boolean): Promise<PasskeySignIn> {
  const start = await context.call<CeremonyStart<PublicKeyCredentialRequestOptionsJSON>>(
    "POST",
    "/auth/passkey/login/start",
    {},
  );
  const credential = await context.config.webauthn.getCredential(start.options, { autofill });
  return finishPasskeySignIn(context, "/auth/passkey/login/finish", start, credential);
}

/** The WebAuthn ceremonies: registering, signing in and adding a passkey. */
function passkeyCeremonies(
  context: ClientContext,
): Pick<KeyshipClient, "register" | "login" | "loginWithAutofill" | "addPasskey"> {
  const { call, signedCall } = context;
  const { webauthn } = context.config;
  return {
    async register(input = {}) {
      const start = await call<CeremonyStart<PublicKeyCredentialCreationOptionsJSON>>(
        "POST",
        "/auth/passkey/register/start",
        { ...input.fields, email: input.email, displayName: input.displayName },
      );
      const credential = await webauthn.createCredential(start.options);
      return finishPasskeySignIn(context, "/auth/passkey/register/finish", start, credential);
    },

    login: () => passkeyLogin(context, false),

    async loginWithAutofill(inputSelector) {
      prepareAutofillInput(inputSelector);
      if (!(await webauthn.supportsAutofill())) {
        throw new KeyshipError({ code: "webauthn.autofill_unsupported" });
      }
      return passkeyLogin(context, true);
    },

    async addPasskey(input = {}) {
      const start = await signedCall<CeremonyStart<PublicKeyCredentialCreationOptionsJSON>>(
        "POST",
        "/auth/passkey/add/start",
        {},
      );
      const credential = await webauthn.createCredential(start.options);
      return signedCall<{ passkeyId: string }>("POST", "/auth/passkey/add/finish", {
        flowId: start.flowId,
        credential,
        name: input.name,
      });
    },
  };
}

/** Account management: signing out, the user's passkeys and devices, and `me`. */
function accountMethods(
  context: ClientContext,
): Pick<
  KeyshipClient,
  | "logout"
  | "listPasskeys"
  | "renamePasskey"
  | "revokePasskey"
  | "listDevices"
  | "revokeDevice"
  | "revokeOtherDevices"
> {
  const { session, signedCall } = context;
  return {
    async logout() {
      const record = await session.current();
      if (record === undefined) return;
      try {
        await signedCall<unknown>("POST", "/auth/logout");
      } catch (error) {
        if (!(isKeyshipError(error) && error.status === 401)) throw error;
      } finally {
        await session.end(record.deviceId, "logout");
      }
    },

    async listPasskeys() {
      return (await signedCall<{ passkeys: Passkey[] }>("GET", "/auth/passkeys")).passkeys;
    },

    async renamePasskey(id, name) {
      await signedCall<unknown>("PATCH", `/auth/passkeys/${encodeURIComponent(id)}`, { name });
    },

    async revokePasskey(id) {
      await signedCall<unknown>("POST", `/auth/passkeys/${encodeURIComponent(id)}/revoke`);
    },

    async listDevices() {
      return (await signedCall<{ devices: Device[] }>("GET", "/auth/devices")).devices;
    },

    async revokeDevice(id) {
      await signedCall<unknown>("POST", `/auth/devices/${encodeURIComponent(id)}/revoke`);
      await session.end(id, "revoked");
    },

    async revokeOtherDevices() {
      await signedCall<unknown>("POST", "/auth/devices/revoke-others");
    },
  };
}

/** The device session's own methods: the authorised `fetch`, `wsToken` and `isSignedIn`. */
function sessionMethods(
  context: ClientContext,
): Pick<KeyshipClient, "fetch" | "wsToken" | "isSignedIn"> {
  const { config, session, signedSend } = context;
  return {
    async fetch(input, init) {
      const request =
        input instanceof Request
          ? new Request(input, init)
          : new Request(new URL(input, `${config.baseUrl}/`), init);
      // Bearer tokens go only to origins we trust, never to a third party (RFC 6750 §5.3).
      if (!config.apiOrigins.includes(new URL(request.url).origin)) {
        throw new KeyshipError({ code: "client.untrusted_origin" });
      }
      return signedSend(request);
    },

    wsToken: () => session.wsToken(),

    async isSignedIn() {
      return (await session.current()) !== undefined;
    },
  };
}

/** Email-and-password sign-up and sign-in (when the server enables passwords). */
function passwordMethods(
  context: ClientContext,
): Pick<KeyshipClient, "registerWithPassword" | "loginWithPassword"> {
  const { call } = context;
  return {
    registerWithPassword(input) {
      return signIn(context, (devicePublicKey) =>
        call<PasswordSignIn>("POST", "/auth/register", {
          ...input.fields,
          email: input.email,
          password: input.password,
          displayName: input.displayName,
          devicePublicKey,
        }),
      );
    },

    loginWithPassword(input) {
      return signIn(context, (devicePublicKey) =>
        call<PasswordSignIn>("POST", "/auth/login", {
          email: input.email,
          password: input.password,
          devicePublicKey,
        }),
      );
    },
  };
}
