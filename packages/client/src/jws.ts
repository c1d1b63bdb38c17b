/**
 * Signing compact JWSs with a device key (ES256), for device tokens and DPoP proofs alike.
 * @module
 */

import { encodeBase64Url, encodeJsonBase64Url } from "./base64url.ts";

/**
 * Signs `payload` under `header` with an ECDSA P-256 private key: a compact ES256 JWS.
 *
 * @param privateKey the non-extractable device key
 * @param header the protected header (its `alg` must be `ES256`)
 * @param payload the claims
 * @example
 * const jws = await signEs256(keyPair.privateKey, { alg: "ES256", typ: "JWT" }, { iat: 1 });
 */
export async function signEs256(
  privateKey: CryptoKey,
  header: Readonly<Record<string, unknown>>,
  payload: Readonly<Record<string, unknown>>,
): Promise<string> {
  const signingInput = `${encodeJsonBase64Url(header)}.${encodeJsonBase64Url(payload)}`;
  // RFC 7518 §3.4: ES256 signatures are raw r||s (64 bytes), exactly WebCrypto's output.
  const signature = await crypto.subtle.sign(
    { name: "ECDSA", hash: "SHA-256" },
    privateKey,
    new TextEncoder().encode(signingInput),
  );
  return `${signingInput}.${encodeBase64Url(new Uint8Array(signature))}`;
}

/**
 * 128 random bits, base64url: a `jti`.
 * @example
 * const jti = randomId(); // "q3v2…" (22 characters)
 */
export function randomId(): string {
  return encodeBase64Url(crypto.getRandomValues(new Uint8Array(16)));
}
