/**
 * `@keyship/client`: the browser SDK for keyship — passkey sign-in, a non-extractable
 * device key in IndexedDB, and a `fetch` that signs requests with short ES256 tokens.
 *
 * @example
 * import { createKeyshipClient, isKeyshipError } from "@keyship/client";
 *
 * const keyship = createKeyshipClient({ baseUrl: "http://localhost:8787" });
 * try {
 *   await keyship.login();
 * } catch (error) {
 *   if (!isKeyshipError(error, "webauthn.not_allowed")) throw error;
 * }
 * const orders = await (await keyship.fetch("/api/orders")).json();
 * @module
 */

export { isAutofillDismissal } from "./autofill.ts";
export { createKeyshipClient, type KeyshipClient } from "./client.ts";
export {
  type DevicePublicJwk,
  exportDevicePublicJwk,
  generateDeviceKeyPair,
} from "./device-key.ts";
export {
  type ClientErrorCode,
  errorFromResponse,
  type FieldError,
  isKeyshipError,
  KeyshipError,
  type KeyshipErrorCode,
  type KeyshipErrorInit,
  type ProblemDetails,
  readProblem,
  type ServerErrorCode,
} from "./errors.ts";
export { type IndexedDbKeyStoreOptions, indexedDbKeyStore } from "./indexeddb-key-store.ts";
export { type DeviceRecord, type DpopTokens, type KeyStore, memoryKeyStore } from "./key-store.ts";
export type { OAuthMethods, OAuthOutcome } from "./oauth.ts";
export type { ClientBinding, KeyshipClientOptions } from "./options.ts";
export type { ProfileMethods, ProfilePatch } from "./profile.ts";
export type { EventStream, RealtimeMethods, ServerSentEvent } from "./realtime.ts";
export type {
  RecoveryCodes,
  RecoveryCodesLeft,
  RecoveryMethods,
  RecoveryProof,
} from "./recovery.ts";
export type { SignedOutEvent, SignOutReason } from "./session.ts";
export type { SteppedUp, StepUpInput } from "./step-up.ts";
export {
  type DeviceTokenAudience,
  MAX_DEVICE_TOKEN_LIFETIME_SECONDS,
  type MintDeviceTokenInput,
  type MintedDeviceToken,
  mintDeviceToken,
} from "./token.ts";
export type {
  Device,
  LinkedAccount,
  Me,
  OAuthProvider,
  OAuthSignIn,
  Passkey,
  PasskeySignIn,
  PasswordSignIn,
} from "./types.ts";
export {
  type AuthenticationResponseJSON,
  browserWebAuthn,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
  type WebAuthnCeremonies,
} from "./webauthn.ts";
