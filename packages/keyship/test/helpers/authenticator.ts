/**
 * A software WebAuthn authenticator, together with the browser-side client steps, for tests.
 * It turns the JSON options of `generateRegistrationOptions()` / `generateAuthenticationOptions()`
 * into the JSON responses a browser would post back, with knobs to forge every field a negative
 * test needs.
 * @module
 */
import { randomBytes } from "node:crypto";
import type {
  AuthenticationResponseJSON,
  AuthenticatorAssertionResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialParameters,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from "@simplewebauthn/server";
import {
  AuthenticatorError,
  type CeremonyOverrides,
  type CreateOverrides,
  type GetOverrides,
  type SoftwareAuthenticatorOptions,
  type StoredCredential,
} from "./authenticator-options.ts";
import {
  type AttestationStatement,
  COSE_ALG,
  type CoseAlgorithm,
  encodeAttestationObject,
  encodeAuthenticatorData,
  encodeClientDataJSON,
  encodeCosePublicKey,
  FLAG,
  flipLastBit,
  fromBase64Url,
  generateCredentialKeyPair,
  sha256,
  signData,
  toBase64Url,
} from "./webauthn-bytes.ts";

export {
  AuthenticatorError,
  type AuthenticatorErrorName,
  type CeremonyOverrides,
  type CreateOverrides,
  type GetOverrides,
  type SoftwareAuthenticatorOptions,
  type StoredCredential,
} from "./authenticator-options.ts";
export { COSE_ALG, type CoseAlgorithm } from "./webauthn-bytes.ts";

type MutableCredential = { -readonly [K in keyof StoredCredential]: StoredCredential[K] };

const DEFAULT_ALGORITHMS: readonly CoseAlgorithm[] = [
  COSE_ALG.ES256,
  COSE_ALG.EdDSA,
  COSE_ALG.RS256,
];
// WebAuthn L3 §5.4.3: an empty pubKeyCredParams means ES256 and RS256.
const SPEC_DEFAULT_PARAMS: readonly number[] = [COSE_ALG.ES256, COSE_ALG.RS256];

/** Canonical base64url form of an id, so padded and unpadded spellings compare equal. */
function canonicalId(id: string): string {
  return toBase64Url(fromBase64Url(id));
}

/**
 * A software passkey authenticator plus browser client. Credentials live in memory, so one
 * instance can register and then sign in; use {@link SoftwareAuthenticator.clone} to model a
 * cloned authenticator or a second device.
 *
 * @example
 * const authenticator = new SoftwareAuthenticator({ origin: "http://localhost:8787" });
 * const registration = authenticator.createCredential(await generateRegistrationOptions(opts));
 * const assertion = authenticator.getAssertion(await generateAuthenticationOptions({ rpID }));
 */
export class SoftwareAuthenticator {
  /** The default origin written into clientDataJSON. */
  readonly origin: string;
  readonly #options: SoftwareAuthenticatorOptions;
  readonly #credentials = new Map<string, MutableCredential>();

  /**
   * @param options see {@link SoftwareAuthenticatorOptions}
   * @throws RangeError when `aaguid` is not 16 bytes or `credentialIdLength` is below 16
   */
  constructor(options: SoftwareAuthenticatorOptions) {
    new URL(options.origin); // throws on a malformed origin
    if (options.aaguid !== undefined && options.aaguid.length !== 16) {
      throw new RangeError("aaguid must be 16 bytes");
    }
    if ((options.credentialIdLength ?? 32) < 16) {
      throw new RangeError("credentialIdLength must be at least 16");
    }
    this.origin = options.origin;
    this.#options = { ...options };
  }

  /**
   * Runs `navigator.credentials.create()`: makes a key pair, stores the credential and returns
   * the registration response JSON.
   * @param options as returned by `generateRegistrationOptions()`
   * @param overrides knobs for negative tests
   * @throws AuthenticatorError `InvalidStateError` when `excludeCredentials` names a credential
   *   held here for this RP; `NotSupportedError` when no offered algorithm is supported
   */
  createCredential(
    options: PublicKeyCredentialCreationOptionsJSON,
    overrides: CreateOverrides = {},
  ): RegistrationResponseJSON {
    const origin = overrides.origin ?? this.origin;
    const rpId = options.rp.id ?? new URL(origin).hostname;
    if (!overrides.ignoreExcludeCredentials) {
      for (const excluded of options.excludeCredentials ?? []) {
        // WebAuthn L3 §6.3.2 step 3: refuse if an excluded credential is present for this RP.
        if (this.#credentials.get(canonicalId(excluded.id))?.rpId === rpId) {
          throw new AuthenticatorError("InvalidStateError", "excluded credential is present");
        }
      }
    }
    const algorithm = overrides.algorithm ?? this.#chooseAlgorithm(options.pubKeyCredParams);
    const keys = generateCredentialKeyPair(algorithm);
    const rawId = overrides.credentialId ?? randomBytes(this.#options.credentialIdLength ?? 32);
    const publicKey = encodeCosePublicKey(algorithm, keys.publicKey);
    const isDiscoverable =
      overrides.isDiscoverable ?? options.authenticatorSelection?.residentKey !== "discouraged";
    const credential: MutableCredential = {
      id: toBase64Url(rawId),
      rpId,
      userHandle: canonicalId(options.user.id),
      algorithm,
      privateKey: keys.privateKey,
      publicKey,
      isDiscoverable,
      counter: overrides.counter ?? 0,
    };
    const authData = encodeAuthenticatorData({
      rpId: overrides.rpId ?? rpId,
      flags: this.#flags(overrides) | FLAG.attestedCredentialData,
      signCount: credential.counter,
      attested: {
        aaguid: this.#options.aaguid ?? new Uint8Array(16),
        credentialId: rawId,
        cosePublicKey: publicKey,
      },
    });
    const clientData = this.#clientData("webauthn.create", options.challenge, origin, overrides);
    const wantsAttestation =
      options.attestation === "direct" || options.attestation === "enterprise";
    const fmt = overrides.attestation ?? (wantsAttestation ? "packed" : "none");
    let statement: AttestationStatement = { fmt: "none" };
    if (fmt === "packed") {
      // WebAuthn L3 §8.2 self attestation: sign authData || hash(clientData) with the credential key.
      const sig = signData(algorithm, keys.privateKey, concat(authData, sha256(clientData)));
      statement = { fmt, alg: algorithm, sig: overrides.tamperSignature ? flipLastBit(sig) : sig };
    }
    this.#credentials.delete(credential.id);
    this.#credentials.set(credential.id, credential);
    return {
      id: credential.id,
      rawId: credential.id,
      type: "public-key",
      response: {
        clientDataJSON: toBase64Url(clientData),
        attestationObject: toBase64Url(encodeAttestationObject(statement, authData)),
        authenticatorData: toBase64Url(authData),
        transports: [...(this.#options.transports ?? ["internal"])],
        publicKeyAlgorithm: algorithm,
        publicKey: toBase64Url(keys.publicKey.export({ format: "der", type: "spki" })),
      },
      authenticatorAttachment: this.#options.attachment ?? "platform",
      clientExtensionResults: options.extensions?.credProps
        ? { credProps: { rk: isDiscoverable } }
        : {},
    };
  }

  /**
   * Runs `navigator.credentials.get()`. With a non-empty `allowCredentials` it uses the most
   * recent listed credential held for the RP; otherwise the most recent discoverable one.
   * @param options as returned by `generateAuthenticationOptions()`
   * @param overrides knobs for negative tests
   * @throws AuthenticatorError `NotAllowedError` when no credential is eligible
   */
  getAssertion(
    options: PublicKeyCredentialRequestOptionsJSON,
    overrides: GetOverrides = {},
  ): AuthenticationResponseJSON {
    const origin = overrides.origin ?? this.origin;
    const rpId = options.rpId ?? new URL(origin).hostname;
    const credential = this.#select(rpId, options, overrides);
    credential.counter = this.#nextCounter(credential, overrides.counter);
    const authData = encodeAuthenticatorData({
      rpId: overrides.rpId ?? rpId,
      flags: this.#flags(overrides),
      signCount: credential.counter,
    });
    const clientData = this.#clientData("webauthn.get", options.challenge, origin, overrides);
    // WebAuthn L3 §6.3.3 step 11: sign authenticatorData || SHA-256(clientDataJSON).
    const sig = signData(
      credential.algorithm,
      credential.privateKey,
      concat(authData, sha256(clientData)),
    );
    const response: AuthenticatorAssertionResponseJSON = {
      clientDataJSON: toBase64Url(clientData),
      authenticatorData: toBase64Url(authData),
      signature: toBase64Url(overrides.tamperSignature ? flipLastBit(sig) : sig),
    };
    const userHandle =
      overrides.userHandle === undefined
        ? credential.isDiscoverable
          ? credential.userHandle
          : undefined
        : (overrides.userHandle ?? undefined);
    if (userHandle !== undefined) response.userHandle = userHandle;
    return {
      id: credential.id,
      rawId: credential.id,
      type: "public-key",
      response,
      authenticatorAttachment: this.#options.attachment ?? "platform",
      clientExtensionResults: {},
    };
  }

  /** Snapshots of every stored credential, oldest first. */
  listCredentials(): StoredCredential[] {
    return [...this.#credentials.values()].map((credential) => ({ ...credential }));
  }

  /**
   * A snapshot of one credential.
   * @param id base64url credential id
   */
  getCredential(id: string): StoredCredential | undefined {
    const credential = this.#credentials.get(canonicalId(id));
    return credential && { ...credential };
  }

  /**
   * Forgets a credential (the user deleted the passkey on the device).
   * @param id base64url credential id
   * @returns whether it was held
   */
  removeCredential(id: string): boolean {
    return this.#credentials.delete(canonicalId(id));
  }

  /**
   * Stores a copy of `credential` (e.g. taken from another instance), replacing any with its id.
   * @param credential from {@link SoftwareAuthenticator.getCredential} or `listCredentials()`
   */
  importCredential(credential: StoredCredential): void {
    const copy: MutableCredential = { ...credential, id: canonicalId(credential.id) };
    this.#credentials.delete(copy.id);
    this.#credentials.set(copy.id, copy);
  }

  /**
   * Sets the remembered signCount of a credential; the next assertion reports `counter + 1`
   * (or 0 in `"zero"` mode).
   * @param id base64url credential id
   * @param counter new value
   * @throws Error when the credential is not held
   */
  setCounter(id: string, counter: number): void {
    const credential = this.#credentials.get(canonicalId(id));
    if (!credential) throw new Error(`no credential ${id}`);
    credential.counter = counter;
  }

  /**
   * An independent copy with the same options and credentials (keys shared, counters copied):
   * a cloned authenticator whose counter diverges from this one.
   */
  clone(): SoftwareAuthenticator {
    const copy = new SoftwareAuthenticator(this.#options);
    for (const credential of this.#credentials.values()) copy.importCredential(credential);
    return copy;
  }

  #chooseAlgorithm(params: readonly PublicKeyCredentialParameters[]): CoseAlgorithm {
    const offered = params.filter((p) => p.type === "public-key").map((p) => p.alg);
    const acceptable = offered.length > 0 ? offered : SPEC_DEFAULT_PARAMS;
    const ours = this.#options.algorithms ?? DEFAULT_ALGORITHMS;
    const chosen = ours.find((alg) => acceptable.includes(alg));
    if (chosen === undefined) {
      throw new AuthenticatorError("NotSupportedError", "no supported pubKeyCredParams");
    }
    return chosen;
  }

  #select(
    rpId: string,
    options: PublicKeyCredentialRequestOptionsJSON,
    overrides: GetOverrides,
  ): MutableCredential {
    const inScope = [...this.#credentials.values()].filter((c) => c.rpId === rpId);
    const allowed = new Set((options.allowCredentials ?? []).map((d) => canonicalId(d.id)));
    let candidates: MutableCredential[];
    if (overrides.ignoreAllowCredentials) candidates = inScope;
    else if (allowed.size > 0) candidates = inScope.filter((c) => allowed.has(c.id));
    else candidates = inScope.filter((c) => c.isDiscoverable);
    const wanted = overrides.credentialId && canonicalId(overrides.credentialId);
    const chosen = wanted ? candidates.find((c) => c.id === wanted) : candidates.at(-1);
    if (!chosen) throw new AuthenticatorError("NotAllowedError", "no eligible credential");
    return chosen;
  }

  #nextCounter(credential: StoredCredential, explicit: number | undefined): number {
    if (explicit !== undefined) return explicit;
    if (this.#options.counterMode === "zero") return 0;
    return (credential.counter + 1) >>> 0;
  }

  #flags(overrides: CeremonyOverrides): number {
    let flags = 0;
    if (overrides.userPresent ?? true) flags |= FLAG.userPresent;
    if (overrides.userVerified ?? true) flags |= FLAG.userVerified;
    if (overrides.backupEligible ?? this.#options.backupEligible) flags |= FLAG.backupEligible;
    if (overrides.backedUp ?? this.#options.backedUp) flags |= FLAG.backupState;
    return flags;
  }

  #clientData(
    type: string,
    challenge: string,
    origin: string,
    overrides: CeremonyOverrides,
  ): Uint8Array {
    return encodeClientDataJSON({
      type: overrides.type ?? type,
      challenge: overrides.challenge ?? challenge,
      origin,
      crossOrigin: overrides.crossOrigin ?? false,
      ...(overrides.topOrigin === undefined ? {} : { topOrigin: overrides.topOrigin }),
    });
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
