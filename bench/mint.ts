/**
 * Device tokens minted synchronously with node:crypto, as fast as a load generator needs them:
 * the cold-token benchmarks send a token the server has never seen on every request.
 */
import { createHash, createPrivateKey, type JsonWebKey, randomUUID, sign } from "node:crypto";

/** A device as `apps.ts` describes it: its id and its private JWK. */
export interface BenchDevice {
  readonly id: string;
  readonly privateJwk: JsonWebKey;
}

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

/**
 * A function that mints a new device token (ES256, kid = device id, aud keyship:http, a fresh
 * jti, valid for `ttlSeconds`) on each call.
 * @param device the device whose key signs
 * @param ttlSeconds the tokens' lifetime (keyship accepts at most 900 s)
 */
export function deviceTokenMinter(device: BenchDevice, ttlSeconds = 300): () => string {
  const key = createPrivateKey({ key: device.privateJwk, format: "jwk" });
  const header = base64url({ alg: "ES256", kid: device.id, typ: "JWT" });
  return () => {
    const iat = Math.floor(Date.now() / 1000);
    const payload = base64url({
      jti: randomUUID(),
      iat,
      exp: iat + ttlSeconds,
      aud: "keyship:http",
    });
    const input = `${header}.${payload}`;
    const signature = sign("sha256", Buffer.from(input), { key, dsaEncoding: "ieee-p1363" });
    return `${input}.${signature.toString("base64url")}`;
  };
}

/**
 * Mints `count` tokens up front, then hands one out per call (minting more if they run out),
 * so the load generator signs outside the measured window.
 */
export function tokenPool(mint: () => string, count: number): { next(): string; extra(): number } {
  const pool = Array.from({ length: count }, mint);
  let extra = 0;
  return {
    next: () => {
      const token = pool.pop();
      if (token !== undefined) return token;
      extra++;
      return mint();
    },
    /** How many were minted on demand, inside the measured window. */
    extra: () => extra,
  };
}

/**
 * A function that signs a new DPoP proof (RFC 9449 §4.2: ES256, the public `jwk` in the
 * header, `htm`, `htu`, `iat`, a fresh `jti`, `ath` of `accessToken`) on each call.
 * @param privateJwk the proof key
 * @param method the request's method
 * @param url the request's public URL (`htu`)
 * @param accessToken the token the proofs go with, if any
 */
export function dpopProofMinter(
  privateJwk: JsonWebKey,
  method: string,
  url: string,
  accessToken?: string,
): () => string {
  const key = createPrivateKey({ key: privateJwk, format: "jwk" });
  const { kty, crv, x, y } = privateJwk;
  const header = base64url({ typ: "dpop+jwt", alg: "ES256", jwk: { kty, crv, x, y } });
  const ath =
    accessToken === undefined
      ? undefined
      : createHash("sha256").update(accessToken).digest("base64url");
  return () => {
    const payload = base64url({
      htm: method,
      htu: url,
      iat: Math.floor(Date.now() / 1000),
      jti: randomUUID(),
      ...(ath === undefined ? {} : { ath }),
    });
    const input = `${header}.${payload}`;
    const signature = sign("sha256", Buffer.from(input), { key, dsaEncoding: "ieee-p1363" });
    return `${input}.${signature.toString("base64url")}`;
  };
}
