/**
 * Signing algorithms and the key set of a token issuer: parsed, checked against their
 * algorithm and converted to `CryptoKey`s once, synchronously, at construction — so a bad
 * key is a startup error and verification never parses a key.
 * @module
 */
import {
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  type JsonWebKey,
  type KeyObject,
  randomBytes,
  type webcrypto,
} from "node:crypto";
import type { JWK } from "jose";
import { TOKEN_ALGORITHMS, type TokenAlgorithm } from "./algorithms.ts";
import { type PublicJwk, publicJwkOf } from "./jwks.ts";

/** A private key: a PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`) or a private JWK. */
export type PrivateKeyInput = string | JWK;

/** A public key: an SPKI PEM (`-----BEGIN PUBLIC KEY-----`) or a public JWK. */
export type PublicKeyInput = string | JWK;

/** An HMAC secret: a string (its UTF-8 bytes are the key) or raw bytes. */
export type SecretInput = string | Uint8Array;

/** One HMAC secret of a rotating key set (HS256/384/512). */
export interface TokenSecretKey {
  /** The key id written to the `kid` header. Unique within the set. */
  readonly kid: string;
  /** The secret; at least as long as the hash output (32/48/64 bytes for HS256/384/512). */
  readonly secret: SecretInput;
  /** This key's algorithm. @default the issuer's `algorithm` */
  readonly algorithm?: TokenAlgorithm;
  readonly privateKey?: never;
  readonly publicKey?: never;
}

/** One private key of a rotating key set: it verifies, and it can sign. */
export interface TokenPrivateKey {
  /** The key id written to the `kid` header and the JWKS. Unique within the set. */
  readonly kid: string;
  /** A PKCS#8 PEM or a private JWK. */
  readonly privateKey: PrivateKeyInput;
  /** This key's algorithm. @default the issuer's `algorithm` */
  readonly algorithm?: TokenAlgorithm;
  readonly secret?: never;
  readonly publicKey?: never;
}

/** A retired key whose private part is gone: it only verifies tokens that are still alive. */
export interface TokenPublicKey {
  /** The key id tokens signed with it carry. Unique within the set. */
  readonly kid: string;
  /** An SPKI PEM or a public JWK. */
  readonly publicKey: PublicKeyInput;
  /** This key's algorithm. @default the issuer's `algorithm` */
  readonly algorithm?: TokenAlgorithm;
  readonly secret?: never;
  readonly privateKey?: never;
}

/** One entry of a rotating key set. */
export type TokenKey = TokenSecretKey | TokenPrivateKey | TokenPublicKey;

/** The key-related options of a token issuer; exactly one of `secret`, `privateKey`, `keys`. */
export interface TokenKeyOptions {
  /** The algorithm every key uses unless the key names its own. */
  readonly algorithm: TokenAlgorithm;
  /** One HMAC secret (HS*). Its `kid` is `"default"`. */
  readonly secret?: SecretInput;
  /** One private key. Its `kid` is the JWK's own `kid`, else its RFC 7638 thumbprint. */
  readonly privateKey?: PrivateKeyInput;
  /** Several keys, for rotation: all verify, `currentKid` (or the first signing key) signs. */
  readonly keys?: readonly TokenKey[];
  /** The `kid` of the key that signs. @default the first entry of `keys` that can sign */
  readonly currentKid?: string;
}

/** A key after import. Internal to the tokens feature. */
export interface ImportedKey {
  readonly kid: string;
  readonly algorithm: TokenAlgorithm;
  /** Present for secrets and private keys. */
  readonly signingKey: webcrypto.CryptoKey | undefined;
  readonly verificationKey: webcrypto.CryptoKey;
  /** Present for asymmetric keys only; secrets are never published. */
  readonly publicJwk: PublicJwk | undefined;
  /**
   * The signing key as a `KeyObject`, which node:crypto signs with synchronously (WebCrypto's
   * asynchronous job costs several times as much per token): secrets, EC and Ed25519 private
   * keys. Not RSA keys: an RSA signature takes long enough to block the event loop, so they
   * keep WebCrypto's job, which runs on the thread pool.
   */
  readonly nodeSigningKey?: KeyObject;
}

/** The imported key set. Internal to the tokens feature. */
export interface KeySet {
  readonly current: ImportedKey & { readonly signingKey: webcrypto.CryptoKey };
  readonly byKid: ReadonlyMap<string, ImportedKey>;
  /** Every algorithm some key uses: the `algorithms` allowlist handed to jose. */
  readonly algorithms: readonly TokenAlgorithm[];
}

/** The `kid` of the key given as `secret`. */
export const DEFAULT_SECRET_KID = "default";

const MAX_KID_LENGTH = 128;
const PKCS8_LABEL = "-----BEGIN PRIVATE KEY-----";
const SPKI_LABEL = "-----BEGIN PUBLIC KEY-----";

type AlgorithmSpec =
  | { readonly kind: "hmac"; readonly hash: string; readonly minBytes: number }
  | { readonly kind: "rsa"; readonly hash: string }
  | { readonly kind: "ec"; readonly namedCurve: string; readonly nodeCurve: string }
  | { readonly kind: "ed25519" };
type HmacSpec = Extract<AlgorithmSpec, { kind: "hmac" }>;
type AsymmetricSpec = Exclude<AlgorithmSpec, { kind: "hmac" }>;

// RFC 7518 §3.2: "A key of the same size as the hash output … or larger MUST be used".
const SPECS: Readonly<Record<TokenAlgorithm, AlgorithmSpec>> = {
  HS256: { kind: "hmac", hash: "SHA-256", minBytes: 32 },
  HS384: { kind: "hmac", hash: "SHA-384", minBytes: 48 },
  HS512: { kind: "hmac", hash: "SHA-512", minBytes: 64 },
  RS256: { kind: "rsa", hash: "SHA-256" },
  RS384: { kind: "rsa", hash: "SHA-384" },
  RS512: { kind: "rsa", hash: "SHA-512" },
  ES256: { kind: "ec", namedCurve: "P-256", nodeCurve: "prime256v1" },
  ES384: { kind: "ec", namedCurve: "P-384", nodeCurve: "secp384r1" },
  EdDSA: { kind: "ed25519" },
};

/** True when `value` is one of {@link TOKEN_ALGORITHMS}. */
export function isTokenAlgorithm(value: unknown): value is TokenAlgorithm {
  return typeof value === "string" && (TOKEN_ALGORITHMS as readonly string[]).includes(value);
}

/** True for the HMAC algorithms, whose key is a shared secret. */
export function isSymmetric(algorithm: TokenAlgorithm): boolean {
  return SPECS[algorithm].kind === "hmac";
}

/**
 * Returns a new random HMAC secret, base64url-encoded, for `secret` or a secret key.
 * The default (32 bytes, 43 characters) suits HS256; draw as many bytes as the hash output
 * for the others: `randomSecret(48)` for HS384, `randomSecret(64)` for HS512.
 * The issuer uses the string's UTF-8 bytes as the key; it does not decode it.
 * @param bytes how many random bytes to draw @default 32
 * @returns the base64url text (no padding)
 * @example
 * const secret = randomSecret(); // store it in your secret manager, e.g. KEYSHIP_TOKEN_SECRET
 * @throws RangeError when `bytes` is below 32 or not an integer
 */
export function randomSecret(bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes < 32) {
    throw new RangeError("randomSecret needs an integer of at least 32 bytes");
  }
  return randomBytes(bytes).toString("base64url");
}

/**
 * Imports the key set of an issuer. Every problem found is pushed to `problems` (for one
 * `KeyshipConfigError` listing them all); returns `undefined` when there was any.
 * @param options the key-related issuer options
 * @param problems where to collect configuration problems
 */
export function importKeySet(options: TokenKeyOptions, problems: string[]): KeySet | undefined {
  const { algorithm } = options;
  if (!isTokenAlgorithm(algorithm)) {
    problems.push(`tokens.algorithm must be one of ${TOKEN_ALGORITHMS.join(", ")}.`);
    return undefined;
  }
  const given = [options.secret, options.privateKey, options.keys].filter((v) => v !== undefined);
  if (given.length !== 1) {
    problems.push("tokens: give exactly one of `secret`, `privateKey` or `keys`.");
    return undefined;
  }
  const entries: readonly TokenKey[] =
    options.secret !== undefined
      ? [{ kid: DEFAULT_SECRET_KID, secret: options.secret }]
      : options.privateKey !== undefined
        ? [{ kid: "", privateKey: options.privateKey }] // kid derived in importEntry
        : (options.keys ?? []);
  if (entries.length === 0) {
    problems.push("tokens.keys must hold at least one key.");
    return undefined;
  }

  const before = problems.length;
  const byKid = new Map<string, ImportedKey>();
  for (const [index, entry] of entries.entries()) {
    const label = options.keys === undefined ? "tokens" : `tokens.keys[${index}]`;
    const keyAlgorithm = entry?.algorithm ?? algorithm;
    const key = importEntry(entry, keyAlgorithm, label, options.keys === undefined);
    if (typeof key === "string") {
      problems.push(key);
    } else if (byKid.has(key.kid)) {
      problems.push(`${label}.kid "${key.kid}" is used twice; every kid must be unique.`);
    } else {
      byKid.set(key.kid, key);
    }
  }
  if (problems.length > before) return undefined;

  const currentKid = options.currentKid ?? [...byKid.values()].find((k) => k.signingKey)?.kid;
  const current = currentKid === undefined ? undefined : byKid.get(currentKid);
  if (current?.signingKey === undefined) {
    problems.push(
      currentKid === undefined
        ? "tokens.keys holds no secret or private key, so nothing can sign."
        : `tokens.currentKid "${currentKid}" must name a secret or private key in tokens.keys.`,
    );
    return undefined;
  }
  return {
    current: { ...current, signingKey: current.signingKey },
    byKid,
    algorithms: [...new Set([...byKid.values()].map((k) => k.algorithm))],
  };
}

/** Imports one entry, or returns the problem found. */
function importEntry(
  entry: TokenKey,
  algorithm: TokenAlgorithm,
  label: string,
  single: boolean,
): ImportedKey | string {
  if (typeof entry !== "object" || entry === null) return `${label} must be an object.`;
  if (!isTokenAlgorithm(algorithm)) {
    return `${label}.algorithm must be one of ${TOKEN_ALGORITHMS.join(", ")}.`;
  }
  const spec = SPECS[algorithm];
  if (!single && (typeof entry.kid !== "string" || entry.kid.length === 0)) {
    return `${label}.kid must be a non-empty string.`;
  }
  if (entry.kid.length > MAX_KID_LENGTH) return `${label}.kid is longer than ${MAX_KID_LENGTH}.`;

  if (spec.kind === "hmac") return importSecret(entry, algorithm, spec, label);
  return importAsymmetric(entry, algorithm, spec, label, single);
}

function parsePrivateKey(input: PrivateKeyInput): KeyObject {
  if (typeof input === "string") {
    if (!input.includes(PKCS8_LABEL)) {
      throw new Error(`expected an unencrypted PKCS#8 PEM starting with ${PKCS8_LABEL}`);
    }
    return createPrivateKey({ key: input, format: "pem" });
  }
  if (typeof input !== "object" || input === null || typeof input.d !== "string") {
    throw new Error("expected a private JWK (with a `d` member)");
  }
  return createPrivateKey({ key: input as JsonWebKey, format: "jwk" });
}

function parsePublicKey(input: PublicKeyInput): KeyObject {
  if (typeof input === "string") {
    if (!input.includes(SPKI_LABEL)) {
      throw new Error(`expected an SPKI PEM starting with ${SPKI_LABEL}`);
    }
    return createPublicKey({ key: input, format: "pem" });
  }
  if (typeof input !== "object" || input === null || input.d !== undefined) {
    throw new Error("expected a public JWK (without a `d` member)");
  }
  return createPublicKey({ key: input as JsonWebKey, format: "jwk" });
}

/** Describes why `key` cannot be used with `algorithm`, or `undefined` when it can. */
function checkKeyMatches(key: KeyObject, algorithm: TokenAlgorithm): string | undefined {
  const spec = SPECS[algorithm];
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails ?? {};
  switch (spec.kind) {
    case "rsa":
      if (type !== "rsa") return `${algorithm} needs an RSA key, got ${type}.`;
      // RFC 7518 §3.3: "A key of size 2048 bits or larger MUST be used".
      if ((details.modulusLength ?? 0) < 2048)
        return `${algorithm} needs an RSA key of ≥ 2048 bits.`;
      return undefined;
    case "ec":
      // RFC 7518 §3.4: each ES algorithm names exactly one curve.
      if (type !== "ec" || details.namedCurve !== spec.nodeCurve) {
        return `${algorithm} needs an EC ${spec.namedCurve} key.`;
      }
      return undefined;
    case "ed25519":
      // RFC 8037 §3.1; WebCrypto and jose sign EdDSA with Ed25519 only.
      return type === "ed25519" ? undefined : `${algorithm} needs an Ed25519 key, got ${type}.`;
    default:
      return `${algorithm} needs a secret.`;
  }
}

function webCryptoParams(
  spec: AlgorithmSpec,
): webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams | webcrypto.Algorithm {
  switch (spec.kind) {
    case "rsa":
      return { name: "RSASSA-PKCS1-v1_5", hash: spec.hash };
    case "ec":
      return { name: "ECDSA", namedCurve: spec.namedCurve };
    case "ed25519":
      return { name: "Ed25519" };
    default:
      return { name: "HMAC", hash: spec.hash };
  }
}

/** Imports an HMAC secret entry, or returns the problem found. */
function importSecret(
  entry: TokenKey,
  algorithm: TokenAlgorithm,
  spec: HmacSpec,
  label: string,
): ImportedKey | string {
  if (entry.secret === undefined) return `${label}: ${algorithm} needs a \`secret\`.`;
  const bytes = typeof entry.secret === "string" ? Buffer.from(entry.secret, "utf8") : entry.secret;
  if (!(bytes instanceof Uint8Array)) return `${label}.secret must be a string or bytes.`;
  // RFC 7518 §3.2 / RFC 8725 §3.5: refuse short (guessable) HMAC keys.
  if (bytes.byteLength < spec.minBytes) {
    return `${label}.secret is ${bytes.byteLength} bytes; ${algorithm} needs at least ${spec.minBytes} (use randomSecret(${spec.minBytes})).`;
  }
  const secret = createSecretKey(Uint8Array.from(bytes));
  const key = secret.toCryptoKey({ name: "HMAC", hash: spec.hash }, false, ["sign", "verify"]);
  return {
    kid: entry.kid,
    algorithm,
    signingKey: key,
    verificationKey: key,
    publicJwk: undefined,
    nodeSigningKey: secret,
  };
}

/** Imports a private or public key entry, or returns the problem found. */
function importAsymmetric(
  entry: TokenKey,
  algorithm: TokenAlgorithm,
  spec: AsymmetricSpec,
  label: string,
  single: boolean,
): ImportedKey | string {
  if (entry.secret !== undefined) {
    return `${label}: ${algorithm} is asymmetric; give a \`privateKey\` or \`publicKey\`, not a secret.`;
  }
  let privateKey: KeyObject | undefined;
  let publicKey: KeyObject;
  try {
    if (entry.privateKey !== undefined) {
      privateKey = parsePrivateKey(entry.privateKey);
      publicKey = createPublicKey(privateKey);
    } else if (entry.publicKey !== undefined) {
      publicKey = parsePublicKey(entry.publicKey);
    } else {
      return `${label}: give a \`privateKey\` or a \`publicKey\`.`;
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return `${label}: the key cannot be read (${reason}).`;
  }
  const mismatch = checkKeyMatches(publicKey, algorithm);
  if (mismatch !== undefined) return `${label}: ${mismatch}`;
  const jwkInput = (entry.privateKey ?? entry.publicKey) as PrivateKeyInput;
  if (typeof jwkInput === "object") {
    // RFC 7517 §4.2/§4.4: a JWK that states its use or alg must agree with ours.
    if (jwkInput.use !== undefined && jwkInput.use !== "sig")
      return `${label}: JWK "use" is not "sig".`;
    if (jwkInput.alg !== undefined && jwkInput.alg !== algorithm) {
      return `${label}: JWK "alg" is ${jwkInput.alg}, but the key is configured for ${algorithm}.`;
    }
  }
  const kid = single
    ? typeof jwkInput === "object" && typeof jwkInput.kid === "string" && jwkInput.kid !== ""
      ? jwkInput.kid
      : undefined
    : entry.kid;
  const publicJwk = publicJwkOf(publicKey, algorithm, kid);
  const params = webCryptoParams(spec);
  return {
    kid: publicJwk.kid,
    algorithm,
    signingKey: privateKey?.toCryptoKey(params, false, ["sign"]),
    verificationKey: publicKey.toCryptoKey(params, true, ["verify"]),
    publicJwk,
    ...(privateKey === undefined || algorithm.startsWith("RS")
      ? {}
      : { nodeSigningKey: privateKey }),
  };
}
