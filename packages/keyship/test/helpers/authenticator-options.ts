/**
 * Public types of the software authenticator in `authenticator.ts`: its options, the per-call
 * overrides for negative tests, stored credentials and the error it throws.
 * @module
 */
import type { KeyObject } from "node:crypto";
import type { CoseAlgorithm } from "./webauthn-bytes.ts";

/** The DOMException names a browser rejects `navigator.credentials.*` with. */
export type AuthenticatorErrorName = "InvalidStateError" | "NotAllowedError" | "NotSupportedError";

/**
 * Thrown where a browser would reject `create()` / `get()`, with the same `name`:
 * `InvalidStateError` (an `excludeCredentials` entry is on this authenticator),
 * `NotAllowedError` (no usable credential), `NotSupportedError` (no common algorithm).
 */
export class AuthenticatorError extends Error {
  override readonly name: AuthenticatorErrorName;

  /**
   * @param name the DOMException name a browser would use
   * @param message what went wrong
   */
  constructor(name: AuthenticatorErrorName, message: string) {
    super(message);
    this.name = name;
  }
}

/** Construction options of `SoftwareAuthenticator`. */
export interface SoftwareAuthenticatorOptions {
  /** Origin the simulated browser reports in clientDataJSON, e.g. `"http://localhost:8787"`. */
  readonly origin: string;
  /** Algorithms this authenticator can create, most preferred first. @default [ES256, EdDSA, RS256] */
  readonly algorithms?: readonly CoseAlgorithm[];
  /** `"increment"` adds 1 per assertion; `"zero"` always reports 0, as many platform authenticators do. @default "increment" */
  readonly counterMode?: "increment" | "zero";
  /** AAGUID placed in attested credential data (16 bytes). @default 16 zero bytes */
  readonly aaguid?: Uint8Array;
  /** Sets the BE flag (multi-device credential). @default false */
  readonly backupEligible?: boolean;
  /** Sets the BS flag (credential is backed up). @default false */
  readonly backedUp?: boolean;
  /** Transports reported at registration. @default ["internal"] */
  readonly transports?: readonly string[];
  /** `authenticatorAttachment` of every response. @default "platform" */
  readonly attachment?: "platform" | "cross-platform";
  /** Length in bytes of generated credential ids (WebAuthn: at least 16). @default 32 */
  readonly credentialIdLength?: number;
}

/** Per-call overrides shared by both ceremonies; everything defaults to an honest value. */
export interface CeremonyOverrides {
  /** Origin written into clientDataJSON. @default the constructor's `origin` */
  readonly origin?: string;
  /** RP ID hashed into authenticator data; does not change which credentials are in scope. @default the options' RP ID */
  readonly rpId?: string;
  /** UP flag. @default true */
  readonly userPresent?: boolean;
  /** UV flag. @default true */
  readonly userVerified?: boolean;
  /** BE flag. @default the constructor's `backupEligible` */
  readonly backupEligible?: boolean;
  /** BS flag. @default the constructor's `backedUp` */
  readonly backedUp?: boolean;
  /** Exact signCount to report, and to remember (a lower value makes the counter go backwards). */
  readonly counter?: number;
  /** clientDataJSON `type`. @default "webauthn.create" / "webauthn.get" */
  readonly type?: string;
  /** clientDataJSON `challenge` (base64url). @default the options' challenge */
  readonly challenge?: string;
  /** clientDataJSON `crossOrigin`. @default false */
  readonly crossOrigin?: boolean;
  /** clientDataJSON `topOrigin`; omitted unless given. */
  readonly topOrigin?: string;
  /** Flip a bit of the signature (the packed attestation `sig` at registration). @default false */
  readonly tamperSignature?: boolean;
}

/** Overrides of `SoftwareAuthenticator.createCredential()`. */
export interface CreateOverrides extends CeremonyOverrides {
  /** Attestation format. @default "packed" if the options ask for "direct"/"enterprise", else "none" */
  readonly attestation?: "none" | "packed";
  /** Key algorithm, even one the RP did not offer. @default the first of ours the RP offers */
  readonly algorithm?: CoseAlgorithm;
  /** Raw credential id; replaces any stored credential with that id. @default random bytes */
  readonly credentialId?: Uint8Array;
  /** Store a discoverable (resident) credential. @default residentKey !== "discouraged" */
  readonly isDiscoverable?: boolean;
  /** Create even when `excludeCredentials` names a credential held here. @default false */
  readonly ignoreExcludeCredentials?: boolean;
}

/** Overrides of `SoftwareAuthenticator.getAssertion()`. */
export interface GetOverrides extends CeremonyOverrides {
  /** Use this stored credential (base64url id) instead of the most recent eligible one. */
  readonly credentialId?: string;
  /** `userHandle` to return (base64url); `null` omits it. @default the stored one, for discoverable credentials */
  readonly userHandle?: string | null;
  /** Pick among all in-scope credentials, whatever `allowCredentials` says. @default false */
  readonly ignoreAllowCredentials?: boolean;
}

/** A credential held by the authenticator (a snapshot; mutate through the authenticator). */
export interface StoredCredential {
  /** Credential id, base64url. */
  readonly id: string;
  /** RP ID the credential is scoped to. */
  readonly rpId: string;
  /** `user.id` from the creation options (base64url). */
  readonly userHandle: string;
  readonly algorithm: CoseAlgorithm;
  readonly privateKey: KeyObject;
  /** CBOR COSE_Key, as in attested credential data. */
  readonly publicKey: Uint8Array;
  readonly isDiscoverable: boolean;
  /** signCount of the last ceremony. */
  readonly counter: number;
}
