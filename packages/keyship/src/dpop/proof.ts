/**
 * DPoP proofs (RFC 9449): the `DPoP` header's JWT, checked per §4.3. A proof shows the caller
 * holds the private key of its header's `jwk` for this very request (`htm`, `htu`), now
 * (`iat`), once (`jti`), and, at a resource, for this access token (`ath`).
 * @module
 */
import { createHash, type webcrypto } from "node:crypto";
import { decodeProtectedHeader, importJWK, type JWK, jwtVerify } from "jose";
import { ProblemError } from "../errors.ts";
import type { ReplayCache } from "./replay.ts";

/** The asymmetric algorithms a proof may be signed with (RFC 9449 §4.2: never `none` or MACs). */
export const DPOP_ALGORITHMS = ["ES256", "EdDSA", "Ed25519", "RS256", "PS256"] as const;

/** The `WWW-Authenticate` parameter naming the accepted algorithms (RFC 9449 §7.1). */
const ALGS = `algs="${DPOP_ALGORITHMS.join(" ")}"`;
// RFC 7517 §9.2 / RFC 9449 §4.3 check 7: the header's jwk must hold no private key material.
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"] as const;
const MAX_PROOF_LENGTH = 4096;

/** What a proof must match: the request, the clock and, at a resource, the access token. */
export interface ProofExpectation {
  /** The request method (`htm`). */
  readonly method: string;
  /** The public URL of the request without query and fragment (`htu`). */
  readonly url: string;
  /** The access token sent with the proof: `ath` must be its SHA-256. */
  readonly accessToken?: string | undefined;
  /** Now, in seconds since the epoch. */
  readonly nowSeconds: number;
  /** How far `iat` may be from now, in seconds (both ways). */
  readonly windowSeconds: number;
  /** Where seen `jti`s are kept for the window. */
  readonly replay: ReplayCache;
  /**
   * With server nonces on: is the proof's `nonce` current, and the refusal when it is not
   * (RFC 9449 §8).
   */
  readonly nonce?:
    | {
        readonly accepts: (nonce: unknown) => boolean;
        readonly refuse: (reason: string) => ProblemError;
      }
    | undefined;
}

/** The `WWW-Authenticate` challenge of a refused DPoP request (RFC 9449 §7.1). */
export function dpopChallenge(
  error: "invalid_dpop_proof" | "invalid_token" | "use_dpop_nonce",
): string {
  return `DPoP error="${error}", ${ALGS}`;
}

/**
 * A refused proof: 401 `dpop.invalid_proof`, `WWW-Authenticate: DPoP error="invalid_dpop_proof"`.
 * @param reason what failed, for the logs (never sent)
 */
export function invalidProof(reason: string, cause?: unknown): ProblemError {
  return new ProblemError("dpop.invalid_proof", {
    headers: { "WWW-Authenticate": dpopChallenge("invalid_dpop_proof") },
    // RFC 9449's error name in the body too, for OAuth-style clients that read `error`.
    extensions: { error: "invalid_dpop_proof" },
    cause: new Error(reason, cause === undefined ? undefined : { cause }),
  });
}

/**
 * A refused DPoP-bound token (wrong key, no proof, sent as `Bearer`):
 * `WWW-Authenticate: DPoP error="invalid_token"`.
 */
export function boundTokenProblem(
  code: "dpop.key_mismatch" | "dpop.proof_required",
  reason: string,
): ProblemError {
  return new ProblemError(code, {
    headers: { "WWW-Authenticate": dpopChallenge("invalid_token") },
    cause: new Error(reason),
  });
}

/** `base64url(SHA-256(token))`: a proof's `ath` for an access token (RFC 9449 §4.2). */
export function accessTokenHash(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}

/** The URL a proof's `htu` is compared with: scheme, host and path (RFC 9449 §4.3 check 9). */
export function normalizeHtu(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return undefined;
  }
}

// RFC 7638 §3.2: the members a thumbprint covers, per key type, in lexicographic order.
const THUMBPRINT_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  EC: ["crv", "kty", "x", "y"],
  OKP: ["crv", "kty", "x"],
  RSA: ["e", "kty", "n"],
};

/**
 * The RFC 7638 SHA-256 thumbprint of a public JWK (base64url), computed synchronously (jose's
 * `calculateJwkThumbprint` goes through WebCrypto's async digest: ~80 µs a proof).
 * @returns undefined when the key type is not EC, OKP or RSA or a member is missing
 */
export function jwkThumbprint(jwk: Readonly<Record<string, unknown>>): string | undefined {
  const members = typeof jwk.kty === "string" ? THUMBPRINT_MEMBERS[jwk.kty] : undefined;
  if (members === undefined) return undefined;
  const parts: string[] = [];
  for (const member of members) {
    const value = jwk[member];
    if (typeof value !== "string") return undefined;
    parts.push(`${JSON.stringify(member)}:${JSON.stringify(value)}`);
  }
  return createHash("sha256")
    .update(`{${parts.join(",")}}`)
    .digest("base64url");
}

/** The checked header of a proof: its algorithm and public key. */
interface ProofHeader {
  readonly alg: string;
  readonly jwk: Readonly<Record<string, unknown>>;
}

function checkHeader(proof: string): ProofHeader {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(proof);
  } catch (error) {
    throw invalidProof("not a JWS", error);
  }
  const { alg, jwk } = header as { alg?: unknown; jwk?: unknown };
  if (header.typ !== "dpop+jwt") throw invalidProof("typ is not dpop+jwt");
  if (typeof alg !== "string" || !(DPOP_ALGORITHMS as readonly string[]).includes(alg)) {
    throw invalidProof("alg is not allowed");
  }
  if (typeof jwk !== "object" || jwk === null) throw invalidProof("no jwk");
  const key = jwk as Record<string, unknown>;
  if (PRIVATE_MEMBERS.some((member) => member in key)) {
    throw invalidProof("jwk carries private key material");
  }
  // RFC 7517 §4.2, §4.4: a key restricted to another use or algorithm signs no proof.
  if ((key.use !== undefined && key.use !== "sig") || (key.alg !== undefined && key.alg !== alg)) {
    throw invalidProof("jwk use or alg");
  }
  return { alg, jwk: key };
}

// Imported public keys by algorithm and thumbprint: a client proves the same key on every
// request, and importing it costs ~60 µs. Bounded; the oldest entry goes first.
const importedKeys = new Map<string, webcrypto.CryptoKey | Uint8Array>();
const MAX_IMPORTED_KEYS = 1000;

async function publicKeyOf(
  header: ProofHeader,
  jkt: string,
): Promise<webcrypto.CryptoKey | Uint8Array> {
  const name = `${header.alg}:${jkt}`;
  const cached = importedKeys.get(name);
  if (cached !== undefined) return cached;
  let key: webcrypto.CryptoKey | Uint8Array;
  try {
    key = await importJWK(header.jwk as JWK, header.alg);
  } catch (error) {
    throw invalidProof("jwk does not import", error);
  }
  if (key instanceof Uint8Array || key.type !== "public") throw invalidProof("not a public key");
  if (importedKeys.size >= MAX_IMPORTED_KEYS) {
    importedKeys.delete(importedKeys.keys().next().value as string);
  }
  importedKeys.set(name, key);
  return key;
}

/**
 * Verifies a `DPoP` header for a request (RFC 9449 §4.3) and spends its `jti`.
 * @param proof the header's value (exactly one)
 * @param expected the request, the clock, the window and the replay cache
 * @returns the RFC 7638 SHA-256 thumbprint of the proof's key (`jkt`)
 * @throws ProblemError `dpop.invalid_proof` (401) when any check fails
 */
export async function verifyProof(proof: string, expected: ProofExpectation): Promise<string> {
  if (proof.length > MAX_PROOF_LENGTH || proof.includes(",")) {
    throw invalidProof("too long, or several proofs");
  }
  const header = checkHeader(proof);
  const jkt = jwkThumbprint(header.jwk);
  if (jkt === undefined) throw invalidProof("jwk is not an EC, OKP or RSA public key");
  const key = await publicKeyOf(header, jkt);
  let verified: Awaited<ReturnType<typeof jwtVerify>>;
  try {
    verified = await jwtVerify(proof, key, { typ: "dpop+jwt", algorithms: [header.alg] });
  } catch (error) {
    throw invalidProof("signature", error);
  }
  const { payload } = verified;
  if (payload.htm !== expected.method) throw invalidProof("htm");
  if (typeof payload.htu !== "string" || normalizeHtu(payload.htu) !== expected.url) {
    throw invalidProof("htu");
  }
  const { iat, jti } = payload;
  if (typeof iat !== "number" || Math.abs(expected.nowSeconds - iat) > expected.windowSeconds) {
    throw invalidProof("iat outside the window");
  }
  if (typeof jti !== "string" || jti.length < 8 || jti.length > 256) throw invalidProof("jti");
  if (expected.accessToken !== undefined) {
    if (payload.ath !== accessTokenHash(expected.accessToken)) throw invalidProof("ath");
  }
  // RFC 9449 §8: checked before the jti is spent, so the retry with the nonce is not a replay.
  if (expected.nonce !== undefined && !expected.nonce.accepts(payload.nonce)) {
    throw expected.nonce.refuse(payload.nonce === undefined ? "no nonce" : "stale or forged nonce");
  }
  // Scoped by key: one client cannot spend another's jti.
  const fresh = await expected.replay.first(`${jkt}:${jti}`, expected.windowSeconds * 2);
  if (!fresh) throw invalidProof("jti replayed");
  return jkt;
}
