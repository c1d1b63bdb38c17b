/**
 * The WebAuthn boundary: the browser ceremonies of `@simplewebauthn/browser`, with every
 * failure translated into a {@link KeyshipError} (`webauthn.*`) and the original as `cause`.
 * @module
 */

import {
  type AuthenticationResponseJSON,
  browserSupportsWebAuthn,
  browserSupportsWebAuthnAutofill,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
  startAuthentication,
  startRegistration,
  WebAuthnError,
} from "@simplewebauthn/browser";
import { KeyshipError } from "./errors.ts";

export type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
};

/**
 * The browser side of the WebAuthn ceremonies. The default, {@link browserWebAuthn}, uses
 * `navigator.credentials`; tests and non-browser runtimes may pass their own.
 *
 * @example
 * const client = createKeyshipClient({ baseUrl, webauthn: browserWebAuthn });
 */
export interface WebAuthnCeremonies {
  /** Creates a passkey (registration) from the server's creation options. */
  createCredential(
    optionsJSON: PublicKeyCredentialCreationOptionsJSON,
  ): Promise<RegistrationResponseJSON>;
  /**
   * Asserts a passkey (login) from the server's request options; with `autofill`, through
   * the browser's autofill UI (conditional mediation) instead of a modal prompt.
   */
  getCredential(
    optionsJSON: PublicKeyCredentialRequestOptionsJSON,
    mode: { readonly autofill: boolean },
  ): Promise<AuthenticationResponseJSON>;
  /** True when the browser can offer passkeys in autofill. */
  supportsAutofill(): Promise<boolean>;
}

/**
 * The default {@link WebAuthnCeremonies}, backed by `@simplewebauthn/browser`.
 * A new ceremony cancels the one in progress (e.g. a login button click cancels a pending
 * autofill request), which then rejects with `webauthn.aborted`.
 *
 * @throws {KeyshipError} from its methods: `webauthn.unsupported`, `webauthn.not_allowed`,
 *   `webauthn.aborted`, `webauthn.already_registered`, `webauthn.failed`
 * @example
 * const response = await browserWebAuthn.createCredential(options);
 */
export const browserWebAuthn: WebAuthnCeremonies = {
  async createCredential(optionsJSON) {
    assertWebAuthn();
    try {
      return await startRegistration({ optionsJSON });
    } catch (error) {
      throw translateWebAuthnError(error);
    }
  },
  async getCredential(optionsJSON, mode) {
    assertWebAuthn();
    try {
      return await startAuthentication({ optionsJSON, useBrowserAutofill: mode.autofill });
    } catch (error) {
      throw translateWebAuthnError(error);
    }
  },
  supportsAutofill() {
    return browserSupportsWebAuthnAutofill();
  },
};

function assertWebAuthn(): void {
  if (!browserSupportsWebAuthn()) throw new KeyshipError({ code: "webauthn.unsupported" });
}

/**
 * Maps a failure of a WebAuthn ceremony to a {@link KeyshipError}.
 *
 * @param error what `startRegistration` / `startAuthentication` threw
 * @example
 * try { await startAuthentication({ optionsJSON }) }
 * catch (error) { throw translateWebAuthnError(error) }
 */
export function translateWebAuthnError(error: unknown): KeyshipError {
  if (error instanceof KeyshipError) return error;
  if (error instanceof WebAuthnError) {
    if (error.code === "ERROR_CEREMONY_ABORTED") {
      return new KeyshipError({ code: "webauthn.aborted", cause: error });
    }
    if (error.code === "ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED") {
      return new KeyshipError({ code: "webauthn.already_registered", cause: error });
    }
  }
  // WebAuthn §5.1.3/§5.1.4: NotAllowedError covers user cancellation, timeouts and "no
  // matching credential" alike, deliberately indistinguishable for privacy.
  if (error instanceof Error && error.name === "NotAllowedError") {
    return new KeyshipError({ code: "webauthn.not_allowed", cause: error });
  }
  return new KeyshipError({ code: "webauthn.failed", cause: error });
}
