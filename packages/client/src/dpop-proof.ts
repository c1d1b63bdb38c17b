/**
 * DPoP proofs (RFC 9449 §4): a small ES256 JWT per request, signed by the device key, that
 * names the request (`htm`, `htu`), the moment (`iat`, `jti`), the access token (`ath`) and the
 * server's latest nonce.
 * @module
 */

import { encodeBase64Url } from "./base64url.ts";
import { type DevicePublicJwk, exportDevicePublicJwk } from "./device-key.ts";
import { randomId, signEs256 } from "./jws.ts";

/**
 * Input of {@link createDpopProof}.
 * @example
 * const input: DpopProofInput = { keyPair, method: "GET", url: "https://api.example.com/orders", nowMs: Date.now() };
 */
export interface DpopProofInput {
  /** The device key pair: the private half signs, the public half goes into the header. */
  readonly keyPair: CryptoKeyPair;
  /** The request's method (`htm`). */
  readonly method: string;
  /** The request's URL; its query and fragment are left out of `htu` (RFC 9449 §4.2). */
  readonly url: string | URL;
  /** The access token sent with the proof; its SHA-256 becomes `ath`. */
  readonly accessToken?: string | undefined;
  /** The server's latest `DPoP-Nonce` (RFC 9449 §8). */
  readonly nonce?: string | undefined;
  /** The current time in milliseconds since the epoch. */
  readonly nowMs: number;
}

// The public JWK of each key pair, exported once: a client proves the same key on every request.
const publicJwks = new WeakMap<CryptoKey, Promise<DevicePublicJwk>>();

function publicJwkOf(publicKey: CryptoKey): Promise<DevicePublicJwk> {
  let jwk = publicJwks.get(publicKey);
  if (jwk === undefined) {
    jwk = exportDevicePublicJwk(publicKey);
    publicJwks.set(publicKey, jwk);
  }
  return jwk;
}

/**
 * `base64url(SHA-256(accessToken))`, a proof's `ath` (RFC 9449 §4.2).
 * @param accessToken the access token the proof goes with
 * @example
 * const ath = await accessTokenHash(accessToken);
 */
export async function accessTokenHash(accessToken: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(accessToken));
  return encodeBase64Url(new Uint8Array(digest));
}

/**
 * Signs a DPoP proof for one request with the device key.
 *
 * @param input the key pair, the request, the access token and nonce (if any) and the clock
 * @throws {KeyshipError} `client.unsupported` when the key is not an EC P-256 key pair
 * @example
 * const dpop = await createDpopProof({ keyPair, method: "GET", url, accessToken, nowMs: Date.now() });
 * await fetch(url, { headers: { authorization: `DPoP ${accessToken}`, dpop } });
 */
export async function createDpopProof(input: DpopProofInput): Promise<string> {
  const htu = new URL(input.url);
  // RFC 9449 §4.2: htu is the target URI without query and fragment.
  htu.search = "";
  htu.hash = "";
  const header = { typ: "dpop+jwt", alg: "ES256", jwk: await publicJwkOf(input.keyPair.publicKey) };
  const payload: Record<string, unknown> = {
    htm: input.method,
    htu: htu.href,
    iat: Math.floor(input.nowMs / 1000),
    jti: randomId(),
  };
  if (input.accessToken !== undefined) payload.ath = await accessTokenHash(input.accessToken);
  if (input.nonce !== undefined) payload.nonce = input.nonce;
  return signEs256(input.keyPair.privateKey, header, payload);
}
