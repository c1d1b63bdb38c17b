/**
 * The one boundary with `@simplewebauthn/server`: option generation and response
 * verification, with the checks the library leaves to us (SECURITY.md) and every failure
 * translated into a ProblemError.
 * @module
 */

import { createHash } from "node:crypto";
import type {
  AuthenticationResponseJSON,
  AuthenticatorTransport,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from "@simplewebauthn/server";
import type { decodeClientDataJSON, parseAuthenticatorData } from "@simplewebauthn/server/helpers";
import type { Settings } from "../config/schema.ts";
import { ProblemError } from "../errors.ts";
import { lazyModule } from "../optional.ts";

// SimpleWebAuthn (with its ASN.1 and X.509 stack, ~250 modules) loads with the first ceremony.
const webauthn = lazyModule<typeof import("@simplewebauthn/server")>("@simplewebauthn/server");
const helpers = lazyModule<typeof import("@simplewebauthn/server/helpers")>(
  "@simplewebauthn/server/helpers",
);

/** COSE algorithms offered and accepted: ES256, EdDSA, RS256 (no experimental ones). */
export const SUPPORTED_ALGORITHMS = [-7, -8, -257];

/** The WebAuthn settings a ceremony reads. */
export type WebauthnSettings = Pick<
  Settings,
  "rpId" | "rpName" | "origins" | "userVerification" | "attestation" | "webauthnTtlSeconds"
> &
  Partial<Pick<Settings, "env">>;

/** A credential to exclude or allow, as stored. */
export interface CredentialDescriptor {
  readonly id: string;
  readonly transports: readonly string[];
}

/** Creation options for a new discoverable credential. */
export async function creationOptions(
  settings: WebauthnSettings,
  user: { id: string; name: string; displayName: string },
  exclude: readonly CredentialDescriptor[],
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  return webauthn().generateRegistrationOptions({
    rpName: settings.rpName,
    rpID: settings.rpId,
    userID: new TextEncoder().encode(user.id),
    userName: user.name,
    userDisplayName: user.displayName,
    timeout: settings.webauthnTtlSeconds * 1000,
    attestationType: settings.attestation,
    excludeCredentials: exclude.map((c) => ({
      id: c.id,
      transports: c.transports as AuthenticatorTransport[],
    })),
    authenticatorSelection: {
      residentKey: "required",
      requireResidentKey: true,
      userVerification: settings.userVerification,
    },
    supportedAlgorithmIDs: SUPPORTED_ALGORITHMS,
  });
}

/** Request options for a discoverable-credential sign-in (empty allowCredentials). */
export async function requestOptions(
  settings: WebauthnSettings,
  allow: readonly { id: string; transports: readonly string[] }[] = [],
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  return webauthn().generateAuthenticationOptions({
    rpID: settings.rpId,
    userVerification: settings.userVerification,
    timeout: settings.webauthnTtlSeconds * 1000,
    allowCredentials: allow.map((c) => ({
      id: c.id,
      transports: c.transports as AuthenticatorTransport[],
    })),
  });
}

function failed(cause: unknown): ProblemError {
  return new ProblemError("passkey.verification_failed", { cause });
}

/** The first 32 bytes of authenticator data: SHA-256 of the RP ID the browser used. */
function parseRpIdHash(authData: Uint8Array<ArrayBuffer>): Buffer {
  return Buffer.from(authData.subarray(0, 32));
}

/**
 * A ceremony from an origin or RP ID the settings do not name is almost always a
 * misconfiguration (the app moved to another port or host): refuse it as the library would,
 * but say so in the log (a warning naming both sides) and, in development, in the problem.
 */
function checkOriginAndRpId(origin: string, rpIdHash: Buffer, settings: WebauthnSettings): void {
  const shown = origin.slice(0, 200);
  let warning: string | undefined;
  if (!settings.origins.includes(origin)) {
    warning = `passkey ceremony from origin ${shown}, which KEYSHIP_ORIGIN does not list (${settings.origins.join(", ")}); set KEYSHIP_ORIGIN to your web app's origin`;
  } else if (!rpIdHash.equals(createHash("sha256").update(settings.rpId).digest())) {
    warning = `passkey ceremony for another RP ID than KEYSHIP_RP_ID (${settings.rpId}); the page at ${shown} must use a host that is KEYSHIP_RP_ID or below it`;
  }
  if (warning === undefined) return;
  const development = settings.env === "development";
  throw new ProblemError("passkey.verification_failed", {
    cause: new Error(warning),
    warning,
    ...(development ? { detail: `${warning[0]?.toUpperCase()}${warning.slice(1)}.` } : {}),
  });
}

/**
 * Checks what the library does not: the ceremony was not framed by another origin
 * (crossOrigin / topOrigin), and the UV flag when user verification is required.
 */
function checkClientAndFlags(
  clientDataJSON: string,
  authData: Uint8Array<ArrayBuffer>,
  settings: WebauthnSettings,
): void {
  let client: ReturnType<typeof decodeClientDataJSON>;
  let flags: ReturnType<typeof parseAuthenticatorData>["flags"];
  try {
    client = helpers().decodeClientDataJSON(clientDataJSON);
    flags = helpers().parseAuthenticatorData(authData).flags;
  } catch (cause) {
    throw failed(cause);
  }
  checkOriginAndRpId(client.origin, parseRpIdHash(authData), settings);
  // SECURITY: refuse ceremonies run inside a cross-origin frame.
  if (client.crossOrigin === true || client.topOrigin !== undefined)
    throw failed("framed ceremony");
  // WebAuthn L3 §7.1 step 15 / §7.2 step 17: UV must be set when we require it.
  if (settings.userVerification === "required" && !flags.uv) {
    throw new ProblemError("passkey.user_verification_required");
  }
}

/** What a verified registration yields. */
export interface VerifiedRegistration {
  readonly credentialId: string;
  readonly publicKey: string;
  readonly counter: number;
  readonly transports: string[];
  readonly aaguid: string;
  readonly backedUp: boolean;
  readonly backupEligible: boolean;
}

/**
 * Verifies a registration response against the expected challenge and the settings' origins
 * and RP ID.
 * @throws ProblemError `passkey.verification_failed` or `passkey.user_verification_required`
 */
export async function verifyRegistration(
  response: RegistrationResponseJSON,
  expectedChallenge: string,
  settings: WebauthnSettings,
): Promise<VerifiedRegistration> {
  let authData: Uint8Array<ArrayBuffer>;
  try {
    authData = helpers()
      .decodeAttestationObject(helpers().isoBase64URL.toBuffer(response.response.attestationObject))
      .get("authData");
  } catch (cause) {
    throw failed(cause);
  }
  checkClientAndFlags(response.response.clientDataJSON, authData, settings);
  let result: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
  try {
    result = await webauthn().verifyRegistrationResponse({
      response,
      expectedChallenge,
      expectedOrigin: [...settings.origins], // STYLE 10: expected values from settings only
      expectedRPID: settings.rpId, // SECURITY: without it the rpIdHash is not checked
      requireUserVerification: settings.userVerification === "required",
      supportedAlgorithmIDs: SUPPORTED_ALGORITHMS,
    });
  } catch (cause) {
    throw failed(cause);
  }
  // SECURITY: a bad signature returns verified:false rather than throwing.
  if (!result.verified) throw failed("registration not verified");
  const info = result.registrationInfo;
  return {
    credentialId: info.credential.id,
    publicKey: helpers().isoBase64URL.fromBuffer(info.credential.publicKey),
    counter: info.credential.counter,
    transports: info.credential.transports ?? response.response.transports ?? [],
    aaguid: info.aaguid,
    backedUp: info.credentialBackedUp,
    backupEligible: info.credentialDeviceType === "multiDevice",
  };
}

/** The stored credential an assertion is checked against. */
export interface StoredCredential {
  readonly credentialId: string;
  readonly publicKey: string;
  readonly counter: number;
  readonly transports: readonly string[];
  /** The WebAuthn user handle of the credential's owner (base64url). */
  readonly userHandle: string;
}

/** What a verified assertion yields. */
export interface VerifiedAssertion {
  readonly newCounter: number;
  readonly backedUp: boolean;
}

/**
 * Verifies an assertion, then the signature counter.
 * @throws ProblemError `passkey.verification_failed`, `passkey.user_verification_required` or
 *   `passkey.counter_regression`
 */
export async function verifyAssertion(
  response: AuthenticationResponseJSON,
  expectedChallenge: string,
  credential: StoredCredential,
  settings: WebauthnSettings,
): Promise<VerifiedAssertion> {
  let authData: Uint8Array<ArrayBuffer>;
  try {
    authData = helpers().isoBase64URL.toBuffer(response.response.authenticatorData);
  } catch (cause) {
    throw failed(cause);
  }
  checkClientAndFlags(response.response.clientDataJSON, authData, settings);
  // SECURITY: the userHandle must belong to the credential's owner.
  const handle = response.response.userHandle;
  if (handle !== undefined && handle !== credential.userHandle) throw failed("userHandle mismatch");
  let result: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
  try {
    result = await webauthn().verifyAuthenticationResponse({
      response,
      expectedChallenge,
      expectedOrigin: [...settings.origins],
      expectedRPID: settings.rpId,
      credential: {
        id: credential.credentialId,
        publicKey: helpers().isoBase64URL.toBuffer(credential.publicKey),
        // The counter is checked below, after the signature, to answer with our own code.
        counter: 0,
        transports: credential.transports as AuthenticatorTransport[],
      },
      requireUserVerification: settings.userVerification === "required",
    });
  } catch (cause) {
    throw failed(cause);
  }
  if (!result.verified) throw failed("assertion not verified");
  const { newCounter, credentialBackedUp } = result.authenticationInfo;
  // WebAuthn L3 §7.2 step 21: a counter that does not grow (unless both are 0) may mean a
  // cloned authenticator.
  if ((newCounter > 0 || credential.counter > 0) && newCounter <= credential.counter) {
    throw new ProblemError("passkey.counter_regression");
  }
  return { newCounter, backedUp: credentialBackedUp };
}

/** The WebAuthn user handle for a keyship user id (the UTF-8 bytes, base64url). */
export function userHandleOf(userId: string): string {
  return helpers().isoBase64URL.fromUTF8String(userId);
}
