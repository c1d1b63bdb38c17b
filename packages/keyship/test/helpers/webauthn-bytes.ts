/**
 * Byte-level building blocks of a software WebAuthn authenticator: key pairs, COSE keys,
 * authenticator data, attestation objects and client data. Used by `authenticator.ts`.
 * @module
 */
import { createHash, generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { Encoder, type Options } from "cbor-x";

/** COSE algorithm identifiers the software authenticator can create (RFC 9053, IANA COSE). */
export const COSE_ALG = { ES256: -7, EdDSA: -8, RS256: -257 } as const;

/** One of {@link COSE_ALG}: `-7` ES256 (P-256), `-8` EdDSA (Ed25519), `-257` RS256. */
export type CoseAlgorithm = (typeof COSE_ALG)[keyof typeof COSE_ALG];

/** Authenticator data flag bits (WebAuthn L3 §6.1). */
export const FLAG = {
  userPresent: 0x01,
  userVerified: 0x04,
  backupEligible: 0x08,
  backupState: 0x10,
  attestedCredentialData: 0x40,
  extensionData: 0x80,
} as const;

// CTAP2 canonical CBOR: definite lengths, no tags on byte strings, integer map keys as CBOR
// integers. `@simplewebauthn/server` re-encodes the COSE key to find its length, so the bytes
// must round-trip unchanged.
// (`useTag259ForMaps` is a documented option missing from cbor-x's `Options` type.)
const cborOptions: Options & { useTag259ForMaps: boolean } = {
  useRecords: false,
  tagUint8Array: false,
  useTag259ForMaps: false,
  variableMapSize: true,
};
const cbor = new Encoder(cborOptions);

/** Base64url without padding, as WebAuthn JSON uses. */
export function toBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64url");
}

/** Decodes base64url (padding optional). */
export function fromBase64Url(value: string): Uint8Array {
  return new Uint8Array(Buffer.from(value, "base64url"));
}

/** SHA-256 of `data`. */
export function sha256(data: Uint8Array | string): Uint8Array {
  return new Uint8Array(createHash("sha256").update(data).digest());
}

/** Returns `bytes` with the lowest bit of its last byte flipped (a "tampered" value). */
export function flipLastBit(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes);
  const last = out.length - 1;
  out[last] = (out[last] ?? 0) ^ 0x01;
  return out;
}

/** A fresh key pair for `alg`. */
export function generateCredentialKeyPair(alg: CoseAlgorithm): {
  privateKey: KeyObject;
  publicKey: KeyObject;
} {
  switch (alg) {
    case COSE_ALG.ES256:
      return generateKeyPairSync("ec", { namedCurve: "P-256" });
    case COSE_ALG.EdDSA:
      return generateKeyPairSync("ed25519");
    case COSE_ALG.RS256:
      return generateKeyPairSync("rsa", { modulusLength: 2048 });
  }
}

/**
 * Signs `data` the way WebAuthn expects for `alg`: ECDSA as ASN.1 DER (WebAuthn L3 §6.5.5),
 * Ed25519 raw (RFC 8032), RSASSA-PKCS1-v1_5 with SHA-256.
 */
export function signData(alg: CoseAlgorithm, privateKey: KeyObject, data: Uint8Array): Uint8Array {
  const hash = alg === COSE_ALG.EdDSA ? null : "sha256";
  return new Uint8Array(sign(hash, data, privateKey));
}

/** The public key as a CBOR-encoded COSE_Key (RFC 9052 §7, RFC 9053 §7.1/§7.2, RFC 8230). */
export function encodeCosePublicKey(alg: CoseAlgorithm, publicKey: KeyObject): Uint8Array {
  const jwk = publicKey.export({ format: "jwk" });
  const b = (value: string | undefined): Uint8Array => fromBase64Url(value ?? "");
  let entries: [number, number | Uint8Array][];
  switch (alg) {
    case COSE_ALG.ES256:
      // kty EC2 (2), crv P-256 (1)
      entries = [
        [1, 2],
        [3, alg],
        [-1, 1],
        [-2, b(jwk.x)],
        [-3, b(jwk.y)],
      ];
      break;
    case COSE_ALG.EdDSA:
      // kty OKP (1), crv Ed25519 (6)
      entries = [
        [1, 1],
        [3, alg],
        [-1, 6],
        [-2, b(jwk.x)],
      ];
      break;
    case COSE_ALG.RS256:
      // kty RSA (3), n, e
      entries = [
        [1, 3],
        [3, alg],
        [-1, b(jwk.n)],
        [-2, b(jwk.e)],
      ];
      break;
  }
  return encodeCbor(new Map(entries));
}

/** CBOR-encodes `value` canonically (Maps stay maps, byte strings untagged). */
export function encodeCbor(value: unknown): Uint8Array {
  return new Uint8Array(cbor.encode(value));
}

/** The parts of authenticator data (WebAuthn L3 §6.1). */
export interface AuthenticatorDataParts {
  readonly rpId: string;
  readonly flags: number;
  readonly signCount: number;
  /** Present only at registration (sets nothing by itself: pass the AT flag too). */
  readonly attested?: {
    readonly aaguid: Uint8Array;
    readonly credentialId: Uint8Array;
    readonly cosePublicKey: Uint8Array;
  };
}

/**
 * Lays out `rpIdHash(32) | flags(1) | signCount(4, big-endian) | attestedCredentialData`,
 * where attestedCredentialData is `aaguid(16) | credIdLen(2, big-endian) | credId | COSE key`.
 */
export function encodeAuthenticatorData(parts: AuthenticatorDataParts): Uint8Array {
  const head = new Uint8Array(37);
  head.set(sha256(parts.rpId), 0);
  head[32] = parts.flags & 0xff;
  new DataView(head.buffer).setUint32(33, parts.signCount >>> 0, false);
  if (!parts.attested) return head;
  const { aaguid, credentialId, cosePublicKey } = parts.attested;
  if (aaguid.length !== 16) throw new RangeError("aaguid must be 16 bytes");
  const idLength = new Uint8Array(2);
  new DataView(idLength.buffer).setUint16(0, credentialId.length, false);
  return new Uint8Array(Buffer.concat([head, aaguid, idLength, credentialId, cosePublicKey]));
}

/** Fields of CollectedClientData (WebAuthn L3 §5.8.1), in the order browsers emit them. */
export interface ClientDataParts {
  readonly type: string;
  readonly challenge: string;
  readonly origin: string;
  readonly crossOrigin: boolean;
  readonly topOrigin?: string;
}

/** The UTF-8 bytes of clientDataJSON. */
export function encodeClientDataJSON(parts: ClientDataParts): Uint8Array {
  const data: Record<string, unknown> = {
    type: parts.type,
    challenge: parts.challenge,
    origin: parts.origin,
    crossOrigin: parts.crossOrigin,
  };
  if (parts.topOrigin !== undefined) data.topOrigin = parts.topOrigin;
  return new Uint8Array(Buffer.from(JSON.stringify(data), "utf8"));
}

/** An attestation statement: `none` is empty, `packed` self attestation is `{ alg, sig }`. */
export type AttestationStatement =
  | { readonly fmt: "none" }
  | { readonly fmt: "packed"; readonly alg: CoseAlgorithm; readonly sig: Uint8Array };

/** The CBOR attestation object `{ fmt, attStmt, authData }` (WebAuthn L3 §6.5.4). */
export function encodeAttestationObject(
  statement: AttestationStatement,
  authData: Uint8Array,
): Uint8Array {
  const attStmt =
    statement.fmt === "packed"
      ? new Map<string, unknown>([
          ["alg", statement.alg],
          ["sig", statement.sig],
        ])
      : new Map<string, unknown>();
  return encodeCbor(
    new Map<string, unknown>([
      ["fmt", statement.fmt],
      ["attStmt", attStmt],
      ["authData", authData],
    ]),
  );
}
