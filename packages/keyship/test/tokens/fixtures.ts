/**
 * Shared fixtures of the token tests: keys, a pinned clock, a token forger and assertions.
 * @module
 */
import { generateKeyPairSync } from "node:crypto";
import { base64url, type JWTHeaderParameters, type JWTPayload, SignJWT } from "jose";
import { expect } from "vitest";
import {
  createTokenIssuer,
  type TokenErrorCode,
  type TokenIssuer,
  type TokenIssuerOptions,
} from "../../src/tokens/index.ts";

/** A PKCS#8 / SPKI PEM key pair. */
export interface PemPair {
  readonly privateKey: string;
  readonly publicKey: string;
}

/** Fresh PEM key pairs, one per asymmetric family. */
export function rsaPair(modulusLength = 2048): PemPair {
  return generateKeyPairSync("rsa", {
    modulusLength,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
}
export function ecPair(namedCurve: "P-256" | "P-384"): PemPair {
  return generateKeyPairSync("ec", {
    namedCurve,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
}
export function ed25519Pair(): PemPair {
  return generateKeyPairSync("ed25519", {
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
}

/** A 32-byte HS256 secret. */
export const SECRET = "0123456789abcdef0123456789abcdef";
export const ISSUER = "https://auth.example.test";
export const AUDIENCE = "https://api.example.test";
/** Where the pinned clock starts. */
export const T0 = new Date("2030-01-01T00:00:00Z");
export const T0_SECONDS = T0.getTime() / 1000;

/** A clock tests move by hand: `clock.now` goes into the issuer, `clock.advance(s)` moves it. */
export function pinnedClock(start: Date = T0) {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    advance(seconds: number) {
      current += seconds * 1000;
    },
  };
}

/** An HS256 issuer with `iss`, `aud` and a pinned clock, plus the given overrides. */
export function hsIssuer(overrides: Partial<TokenIssuerOptions> = {}): TokenIssuer {
  return createTokenIssuer({
    algorithm: "HS256",
    secret: SECRET,
    issuer: ISSUER,
    audience: AUDIENCE,
    now: () => T0,
    ...overrides,
  } as TokenIssuerOptions);
}

/** The claims a valid access token of {@link hsIssuer} carries. */
export function validAccessClaims(): JWTPayload {
  return {
    iss: ISSUER,
    aud: AUDIENCE,
    sub: "u1",
    iat: T0_SECONDS,
    exp: T0_SECONDS + 900,
    jti: "j1",
    token_use: "access",
  };
}

/** The protected header of a valid access token of {@link hsIssuer}. */
export const VALID_ACCESS_HEADER = { alg: "HS256", kid: "default", typ: "at+jwt" } as const;

/**
 * Signs any header and payload with jose, bypassing every keyship rule: the attacker's (or a
 * misbehaving peer's) token factory.
 */
export function forge(
  header: Record<string, unknown>,
  payload: JWTPayload,
  key: Parameters<SignJWT["sign"]>[0],
  crit?: Record<string, boolean>,
): Promise<string> {
  return new SignJWT(payload)
    .setProtectedHeader(header as JWTHeaderParameters)
    .sign(key, crit === undefined ? undefined : { crit });
}

/** Builds an unsigned (`alg: none`) token by hand; jose refuses to make one with a kid. */
export function unsigned(header: Record<string, unknown>, payload: JWTPayload): string {
  const part = (value: unknown) => base64url.encode(JSON.stringify(value));
  return `${part({ ...header, alg: "none" })}.${part(payload)}.`;
}

/** Asserts that `promise` rejects with a `TokenError` of `code`. */
export async function expectTokenError(promise: Promise<unknown>, code: TokenErrorCode) {
  await expect(promise).rejects.toMatchObject({ name: "TokenError", code });
}
