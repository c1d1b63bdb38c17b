import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { KeyshipConfigError } from "../../src/errors.ts";
import {
  createTokenIssuer,
  randomSecret,
  type TokenIssuerOptions,
} from "../../src/tokens/index.ts";
import { ecPair, ed25519Pair, rsaPair, SECRET } from "./fixtures.ts";

const rsa = rsaPair();
const p256 = ecPair("P-256");
const pkcs1 = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
}).privateKey;

describe("createTokenIssuer refuses at construction", () => {
  it.each<readonly [string, unknown]>([
    ["an HS256 secret of 31 bytes", { algorithm: "HS256", secret: "x".repeat(31) }],
    ["an HS256 secret of 31 raw bytes", { algorithm: "HS256", secret: new Uint8Array(31) }],
    ["an HS384 secret of 32 bytes", { algorithm: "HS384", secret: SECRET }],
    ["an HS512 secret of 48 bytes", { algorithm: "HS512", secret: "x".repeat(48) }],
    ["a short secret in a key set", { algorithm: "HS256", keys: [{ kid: "a", secret: "short" }] }],
    ["alg none", { algorithm: "none", secret: SECRET }],
    ["an unknown algorithm", { algorithm: "PS256", privateKey: rsa.privateKey }],
    ["an RSA key under 2048 bits", { algorithm: "RS256", privateKey: rsaPair(1024).privateKey }],
    ["a P-256 key for ES384", { algorithm: "ES384", privateKey: p256.privateKey }],
    ["an RSA key for ES256", { algorithm: "ES256", privateKey: rsa.privateKey }],
    ["an Ed25519 key for RS256", { algorithm: "RS256", privateKey: ed25519Pair().privateKey }],
    ["a private key for HS256", { algorithm: "HS256", privateKey: rsa.privateKey }],
    ["a secret for RS256", { algorithm: "RS256", secret: SECRET }],
    ["a public PEM as the private key", { algorithm: "ES256", privateKey: p256.publicKey }],
    ["a PKCS#1 PEM", { algorithm: "RS256", privateKey: pkcs1 }],
    [
      "a PEM that does not parse",
      {
        algorithm: "ES256",
        privateKey: "-----BEGIN PRIVATE KEY-----\nAA==\n-----END PRIVATE KEY-----",
      },
    ],
    [
      "a public JWK as the private key",
      { algorithm: "ES256", privateKey: { kty: "EC", crv: "P-256", x: "AA", y: "AA" } },
    ],
    [
      "a private PEM as a retired public key",
      {
        algorithm: "ES256",
        keys: [
          { kid: "a", privateKey: p256.privateKey },
          { kid: "b", publicKey: p256.privateKey },
        ],
      },
    ],
    ["no key", { algorithm: "HS256" }],
    [
      "both a secret and a private key",
      { algorithm: "HS256", secret: SECRET, privateKey: rsa.privateKey },
    ],
    ["an empty key set", { algorithm: "HS256", keys: [] }],
    ["a key set entry that is no object", { algorithm: "HS256", keys: [null] }],
    ["a key without kid", { algorithm: "HS256", keys: [{ kid: "", secret: SECRET }] }],
    [
      "a duplicate kid",
      {
        algorithm: "HS256",
        keys: [
          { kid: "a", secret: SECRET },
          { kid: "a", secret: SECRET },
        ],
      },
    ],
    [
      "an unknown currentKid",
      { algorithm: "HS256", keys: [{ kid: "a", secret: SECRET }], currentKid: "b" },
    ],
    [
      "a public-only currentKid",
      {
        algorithm: "ES256",
        keys: [
          { kid: "a", privateKey: p256.privateKey },
          { kid: "b", publicKey: p256.publicKey },
        ],
        currentKid: "b",
      },
    ],
    [
      "a key set that cannot sign",
      { algorithm: "ES256", keys: [{ kid: "b", publicKey: p256.publicKey }] },
    ],
    [
      "an accessTtl that does not parse",
      { algorithm: "HS256", secret: SECRET, accessTtl: "15 minutes" },
    ],
    ["a zero refreshTtl", { algorithm: "HS256", secret: SECRET, refreshTtl: 0 }],
    [
      "a clock tolerance over 5 minutes",
      { algorithm: "HS256", secret: SECRET, clockTolerance: "10m" },
    ],
    ["a negative clock tolerance", { algorithm: "HS256", secret: SECRET, clockTolerance: -1 }],
    ["an empty issuer", { algorithm: "HS256", secret: SECRET, issuer: "" }],
    ["an isRevoked that is no function", { algorithm: "HS256", secret: SECRET, isRevoked: true }],
  ])("%s", (_name, options) => {
    expect(() => createTokenIssuer(options as TokenIssuerOptions)).toThrow(KeyshipConfigError);
  });

  it("lists every problem at once", () => {
    const options = { algorithm: "HS256", secret: "short", accessTtl: "soon", issuer: "" };

    expect(() => createTokenIssuer(options as TokenIssuerOptions)).toThrow(
      expect.objectContaining({
        problems: [expect.any(String), expect.any(String), expect.any(String)],
      }),
    );
  });

  it("accepts an HS256 secret of exactly 32 bytes", () => {
    expect(() => createTokenIssuer({ algorithm: "HS256", secret: SECRET })).not.toThrow();
  });
});

describe("randomSecret", () => {
  it("returns 32 random bytes as base64url by default", () => {
    expect(randomSecret()).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("returns a different secret each call", () => {
    expect(randomSecret()).not.toBe(randomSecret());
  });

  it("draws the requested number of bytes", () => {
    expect(Buffer.from(randomSecret(64), "base64url")).toHaveLength(64);
  });

  it("is accepted as an HS256 secret", () => {
    expect(() => createTokenIssuer({ algorithm: "HS256", secret: randomSecret() })).not.toThrow();
  });

  it.each([16, 31, 32.5])("refuses %s bytes", (bytes) => {
    expect(() => randomSecret(bytes)).toThrow(RangeError);
  });
});
