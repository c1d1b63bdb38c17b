/**
 * Public JWKs and the JWK Set an issuer publishes, so other services can verify its tokens.
 * @module
 */
import { createHash, type KeyObject } from "node:crypto";
import type { TokenAlgorithm } from "./algorithms.ts";

/** A published public key: only public members, plus `kid`, `alg` and `use`. */
export interface PublicJwk {
  readonly kty: "RSA" | "EC" | "OKP";
  readonly kid: string;
  readonly alg: TokenAlgorithm;
  readonly use: "sig";
  /** RSA modulus and exponent. */
  readonly n?: string;
  readonly e?: string;
  /** EC / OKP curve and coordinates. */
  readonly crv?: string;
  readonly x?: string;
  readonly y?: string;
}

/** A JWK Set (RFC 7517 §5) as served at a `jwks_uri`. */
export interface PublicJwkSet {
  readonly keys: readonly PublicJwk[];
}

// RFC 7638 §3.2: the required members of each key type, in lexicographic order.
const THUMBPRINT_MEMBERS: Readonly<Record<PublicJwk["kty"], readonly string[]>> = {
  RSA: ["e", "kty", "n"],
  EC: ["crv", "kty", "x", "y"],
  OKP: ["crv", "kty", "x"],
};

// RFC 7517 §4 / RFC 7518 §6: exactly the public members of each key type. Private members
// (`d`, `p`, `q`, `dp`, `dq`, `qi`, `oth`) are never copied.
const PUBLIC_MEMBERS: Readonly<Record<PublicJwk["kty"], readonly string[]>> = {
  RSA: ["n", "e"],
  EC: ["crv", "x", "y"],
  OKP: ["crv", "x"],
};

/**
 * Builds the published JWK of a public key.
 * @param publicKey the public key
 * @param algorithm the algorithm it verifies
 * @param kid its key id @default its RFC 7638 thumbprint
 */
export function publicJwkOf(
  publicKey: KeyObject,
  algorithm: TokenAlgorithm,
  kid: string | undefined,
): PublicJwk {
  const exported = publicKey.export({ format: "jwk" }) as Record<string, unknown>;
  const kty = exported.kty as PublicJwk["kty"];
  const members: Record<string, unknown> = { kty };
  for (const name of PUBLIC_MEMBERS[kty]) members[name] = exported[name];
  return Object.freeze({
    ...members,
    kid: kid ?? jwkThumbprint(members),
    alg: algorithm,
    use: "sig",
  }) as PublicJwk;
}

/**
 * The RFC 7638 JWK thumbprint (SHA-256, base64url) of a public JWK.
 * @param jwk a public JWK with at least the required members of its `kty`
 */
export function jwkThumbprint(jwk: Readonly<Record<string, unknown>>): string {
  const required = THUMBPRINT_MEMBERS[jwk.kty as PublicJwk["kty"]];
  const canonical: Record<string, unknown> = {};
  for (const name of required) canonical[name] = jwk[name];
  return createHash("sha256").update(JSON.stringify(canonical)).digest("base64url");
}

/**
 * The JWK Set of every asymmetric key in a set — signing and retired ones alike, so tokens
 * signed before a rotation keep verifying elsewhere. Secrets are never included.
 * @param keys the imported keys
 */
export function buildPublicJwkSet(
  keys: Iterable<{ readonly publicJwk: PublicJwk | undefined }>,
): PublicJwkSet {
  const published: PublicJwk[] = [];
  for (const key of keys) if (key.publicJwk !== undefined) published.push(key.publicJwk);
  return Object.freeze({ keys: Object.freeze(published) });
}
