import { calculateJwkThumbprint, createLocalJWKSet, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { createTokenIssuer, type TokenIssuerOptions } from "../../src/tokens/index.ts";
import { ecPair, ed25519Pair, hsIssuer, rsaPair, SECRET, T0 } from "./fixtures.ts";

const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

const ASYMMETRIC: ReadonlyArray<readonly [string, TokenIssuerOptions]> = [
  ["RS256", { algorithm: "RS256", privateKey: rsaPair().privateKey }],
  ["ES256", { algorithm: "ES256", privateKey: ecPair("P-256").privateKey }],
  ["ES384", { algorithm: "ES384", privateKey: ecPair("P-384").privateKey }],
  ["EdDSA", { algorithm: "EdDSA", privateKey: ed25519Pair().privateKey }],
];

describe.each(ASYMMETRIC)("the JWKS of an %s issuer", (algorithm, options) => {
  const issuer = createTokenIssuer({ ...options, now: () => T0 });

  it("holds one key with kid, alg and use", () => {
    expect(issuer.publicJwks().keys).toEqual([
      expect.objectContaining({ kid: issuer.currentKid, alg: algorithm, use: "sig" }),
    ]);
  });

  it("holds no private member", () => {
    const [key] = issuer.publicJwks().keys;

    for (const member of PRIVATE_MEMBERS) expect(key).not.toHaveProperty(member);
  });

  it("verifies the issuer's tokens through jose's createLocalJWKSet", async () => {
    const { token } = await issuer.issueAccess("u1");
    const jwks = createLocalJWKSet({ keys: [...issuer.publicJwks().keys] });

    const { payload } = await jwtVerify(token, jwks, { currentDate: T0 });

    expect(payload.sub).toBe("u1");
  });
});

describe("the JWKS", () => {
  it("is empty for an HS256 issuer: secrets are never published", () => {
    expect(hsIssuer().publicJwks()).toEqual({ keys: [] });
  });

  it("keeps retired public keys and leaves out secrets of a mixed set", () => {
    const issuer = createTokenIssuer({
      algorithm: "ES256",
      keys: [
        { kid: "new", privateKey: ecPair("P-256").privateKey },
        { kid: "old", publicKey: ecPair("P-256").publicKey },
        { kid: "hmac", secret: SECRET, algorithm: "HS256" },
      ],
    });

    expect(issuer.publicJwks().keys.map((key) => key.kid)).toEqual(["new", "old"]);
  });

  it.each(ASYMMETRIC)("names a single %s key by its RFC 7638 thumbprint", async (_alg, options) => {
    const issuer = createTokenIssuer(options);
    const { kty, crv, x, y, n, e } = issuer.publicJwks().keys[0]!;

    const expected = await calculateJwkThumbprint({ kty, crv, x, y, n, e });

    expect(issuer.currentKid).toBe(expected);
  });
});
