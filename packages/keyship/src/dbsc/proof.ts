/**
 * The browser's `dbsc+jwt`s, as Chromium signs them: at registration the header carries the
 * new session key (`jwk`) and the payload `{ jti: <challenge> }` (and `authorization` when the
 * registration header named one); at refresh the header has no key and the signature must be
 * the registered key's. No `aud`, `iat` or `exp`: freshness comes from the single-use,
 * short-lived challenge in `jti`. Foreign (jose) errors are translated here, keeping `cause`.
 * @module
 */
import {
  calculateJwkThumbprint,
  decodeProtectedHeader,
  EmbeddedJWK,
  importJWK,
  type JWK,
  type JWTPayload,
  jwtVerify,
} from "jose";
import { ProblemError } from "../errors.ts";

/** The algorithms a session key may use; the registration header offers them in this order. */
export const DBSC_ALGORITHMS = ["ES256", "RS256"] as const;

/** One of {@link DBSC_ALGORITHMS}. */
export type DbscAlgorithm = (typeof DBSC_ALGORITHMS)[number];

/** The `typ` of every DBSC proof. */
export const DBSC_JWT_TYPE = "dbsc+jwt";

/** A verified registration proof: the challenge it answers and the session key. */
export interface RegistrationProof {
  readonly challenge: string;
  readonly algorithm: DbscAlgorithm;
  /** The public members of the key only. */
  readonly publicJwk: JWK;
  /** Its RFC 7638 thumbprint. */
  readonly jkt: string;
}

/** A session key as stored at registration. */
export interface SessionKey {
  readonly algorithm: DbscAlgorithm;
  readonly publicJwk: JWK;
}

type ProofCode = "dbsc.invalid_proof" | "dbsc.proof_refused";

function refuse(code: ProofCode, reason: string, cause?: unknown): ProblemError {
  return new ProblemError(code, { cause: cause ?? new Error(reason) });
}

/** The header checks both proofs share; returns the algorithm. */
function checkHeader(jwt: string, code: ProofCode, withKey: boolean): DbscAlgorithm {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(jwt);
  } catch (cause) {
    throw refuse(code, "not a JWS", cause);
  }
  if (header.typ !== DBSC_JWT_TYPE) throw refuse(code, "typ is not dbsc+jwt");
  const alg = header.alg as DbscAlgorithm;
  // RFC 8725 §3.1: only the allow-listed asymmetric algorithms, never `none` or HS*.
  if (!DBSC_ALGORITHMS.includes(alg)) throw refuse(code, "alg not allowed");
  // SECURITY.md: no key from a URL or a certificate chain; a key in the header only where the
  // protocol puts it (registration).
  if (header.jku !== undefined || header.x5u !== undefined || header.x5c !== undefined) {
    throw refuse(code, "jku/x5u/x5c header");
  }
  if ((header.jwk !== undefined) !== withKey) throw refuse(code, "jwk header presence");
  return alg;
}

function challengeOf(payload: JWTPayload, code: ProofCode): string {
  const { jti } = payload;
  if (typeof jti !== "string" || jti === "" || jti.length > 512) throw refuse(code, "no jti");
  return jti;
}

function publicMembers(jwk: JWK): JWK {
  return jwk.kty === "EC"
    ? { kty: "EC", crv: jwk.crv as string, x: jwk.x as string, y: jwk.y as string }
    : { kty: "RSA", n: jwk.n as string, e: jwk.e as string };
}

/**
 * Verifies a registration proof: `typ` `dbsc+jwt`, an allowed `alg`, signed by the public key
 * in its own `jwk` header (which must match the algorithm: P-256 for ES256, RSA of at least
 * 2048 bits for RS256), and a `jti`.
 * @param jwt the `Secure-Session-Response` header
 * @throws ProblemError `dbsc.invalid_proof`
 */
export async function verifyRegistrationProof(jwt: string): Promise<RegistrationProof> {
  const algorithm = checkHeader(jwt, "dbsc.invalid_proof", true);
  try {
    const { payload, protectedHeader } = await jwtVerify(jwt, EmbeddedJWK, {
      algorithms: [algorithm],
    });
    const publicJwk = publicMembers(protectedHeader.jwk as JWK);
    return {
      challenge: challengeOf(payload, "dbsc.invalid_proof"),
      algorithm,
      publicJwk,
      jkt: await calculateJwkThumbprint(publicJwk),
    };
  } catch (cause) {
    if (cause instanceof ProblemError) throw cause;
    throw refuse("dbsc.invalid_proof", "registration proof refused", cause);
  }
}

/**
 * Verifies a refresh proof: `typ` `dbsc+jwt`, the algorithm the session registered with, no
 * key in the header, signed by the registered key, and a `jti`.
 * @param jwt the `Secure-Session-Response` header
 * @param key the session's registered key
 * @returns the challenge it answers (`jti`)
 * @throws ProblemError `dbsc.proof_refused`
 */
export async function verifyRefreshProof(jwt: string, key: SessionKey): Promise<string> {
  const algorithm = checkHeader(jwt, "dbsc.proof_refused", false);
  if (algorithm !== key.algorithm) throw refuse("dbsc.proof_refused", "another algorithm");
  try {
    const publicKey = await importJWK(key.publicJwk, key.algorithm);
    const { payload } = await jwtVerify(jwt, publicKey, { algorithms: [key.algorithm] });
    return challengeOf(payload, "dbsc.proof_refused");
  } catch (cause) {
    if (cause instanceof ProblemError) throw cause;
    throw refuse("dbsc.proof_refused", "refresh proof refused", cause);
  }
}
