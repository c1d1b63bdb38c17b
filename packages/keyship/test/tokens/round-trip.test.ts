import { createLocalJWKSet, decodeProtectedHeader, exportJWK, importPKCS8, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { createTokenIssuer, type TokenIssuerOptions } from "../../src/tokens/index.ts";
import {
  AUDIENCE,
  ecPair,
  ed25519Pair,
  ISSUER,
  rsaPair,
  SECRET,
  T0,
  T0_SECONDS,
} from "./fixtures.ts";

const es384 = ecPair("P-384");
const es384Jwk = await exportJWK(
  await importPKCS8(es384.privateKey, "ES384", { extractable: true }),
);

const FAMILIES: ReadonlyArray<readonly [string, TokenIssuerOptions]> = [
  ["HS256 secret", { algorithm: "HS256", secret: SECRET }],
  ["HS384 secret", { algorithm: "HS384", secret: "x".repeat(48) }],
  ["HS512 secret", { algorithm: "HS512", secret: "x".repeat(64) }],
  ["RS256 PKCS#8 PEM", { algorithm: "RS256", privateKey: rsaPair().privateKey }],
  ["ES256 PKCS#8 PEM", { algorithm: "ES256", privateKey: ecPair("P-256").privateKey }],
  ["ES384 private JWK", { algorithm: "ES384", privateKey: es384Jwk }],
  ["EdDSA PKCS#8 PEM", { algorithm: "EdDSA", privateKey: ed25519Pair().privateKey }],
];

function issuerFor(options: TokenIssuerOptions) {
  return createTokenIssuer({ ...options, issuer: ISSUER, audience: AUDIENCE, now: () => T0 });
}

describe.each(FAMILIES)("%s", (_name, options) => {
  const issuer = issuerFor(options);

  it("verifies the access tokens it issues", async () => {
    const { token } = await issuer.issueAccess("u1", { sid: "s1", scope: "read" });

    await expect(issuer.verifyAccess(token)).resolves.toMatchObject({
      iss: ISSUER,
      aud: AUDIENCE,
      sub: "u1",
      sid: "s1",
      scope: "read",
      token_use: "access",
    });
  });

  it("verifies the refresh tokens it issues", async () => {
    const { token } = await issuer.issueRefresh("u1", { sid: "s1" });

    await expect(issuer.verifyRefresh(token)).resolves.toMatchObject({
      sub: "u1",
      sid: "s1",
      token_use: "refresh",
    });
  });

  it("signs with the configured algorithm and the current kid", async () => {
    const { token } = await issuer.issueAccess("u1");

    expect(decodeProtectedHeader(token)).toEqual({
      alg: options.algorithm,
      kid: issuer.currentKid,
      typ: "at+jwt",
    });
  });
});

describe("issued claims", () => {
  const issuer = issuerFor({ algorithm: "HS256", secret: SECRET, generateJti: () => "j-fixed" });

  it("carries iat, exp and jti, and reports the expiry", async () => {
    const issued = await issuer.issueAccess("u1");

    expect(issued).toMatchObject({
      jti: "j-fixed",
      expiresIn: 900,
      expiresAt: new Date(T0.getTime() + 900_000),
    });
    await expect(issuer.verifyAccess(issued.token)).resolves.toMatchObject({
      iat: T0_SECONDS,
      exp: T0_SECONDS + 900,
      jti: "j-fixed",
    });
  });

  it("marks refresh tokens with typ refresh+jwt and a 30-day lifetime", async () => {
    const issued = await issuer.issueRefresh("u1");

    expect(decodeProtectedHeader(issued.token).typ).toBe("refresh+jwt");
    expect(issued.expiresIn).toBe(30 * 86_400);
  });

  it("leaves out iss and aud when they are not configured", async () => {
    const bare = createTokenIssuer({ algorithm: "HS256", secret: SECRET, now: () => T0 });
    const { token } = await bare.issueAccess("u1");

    const claims = await bare.verifyAccess(token);

    expect(claims).not.toHaveProperty("iss");
    expect(claims).not.toHaveProperty("aud");
  });

  it.each(["iss", "sub", "aud", "exp", "nbf", "iat", "jti", "token_use"])(
    "refuses to let the caller set %s",
    async (claim) => {
      await expect(issuer.issueAccess("u1", { [claim]: "x" })).rejects.toThrow(TypeError);
    },
  );

  it("refuses an empty subject", async () => {
    await expect(issuer.issueAccess("")).rejects.toThrow(TypeError);
  });
});

// HMAC, EC and Ed25519 tokens are signed with node:crypto, not jose: jose must accept them.
describe.each([
  ["HS256", SECRET],
  ["HS384", "x".repeat(48)],
  ["HS512", "x".repeat(64)],
] as const)("%s tokens signed by node:crypto", (algorithm, secret) => {
  it("verify with jose and the raw secret, with the header jose would write", async () => {
    const { token } = await issuerFor({ algorithm, secret }).issueAccess("u1", { sid: "s1" });
    const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode(secret), {
      algorithms: [algorithm],
      issuer: ISSUER,
      audience: AUDIENCE,
      currentDate: T0,
    });
    expect(payload).toMatchObject({ sub: "u1", sid: "s1", token_use: "access" });
    expect(protectedHeader).toEqual({ alg: algorithm, kid: expect.any(String), typ: "at+jwt" });
  });
});

describe.each([
  ["ES256", { algorithm: "ES256", privateKey: ecPair("P-256").privateKey }],
  ["ES384", { algorithm: "ES384", privateKey: es384Jwk }],
  ["EdDSA", { algorithm: "EdDSA", privateKey: ed25519Pair().privateKey }],
] as const)("%s tokens signed by node:crypto", (algorithm, options) => {
  it("verify with jose and the published JWK Set", async () => {
    const issuer = issuerFor(options as TokenIssuerOptions);
    const { token } = await issuer.issueAccess("u1", { sid: "s1" });
    const { payload } = await jwtVerify(
      token,
      createLocalJWKSet({ keys: [...issuer.publicJwks().keys] }),
      {
        algorithms: [algorithm],
        currentDate: T0,
      },
    );
    expect(payload).toMatchObject({ sub: "u1", sid: "s1", token_use: "access" });
  });
});
