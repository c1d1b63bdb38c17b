import { exportJWK, generateKeyPair, type JWTPayload } from "jose";
import { describe, expect, it } from "vitest";
import { createTokenIssuer } from "../../src/tokens/index.ts";
import {
  AUDIENCE,
  ecPair,
  expectTokenError,
  forge,
  hsIssuer,
  ISSUER,
  rsaPair,
  SECRET,
  T0,
  T0_SECONDS,
  unsigned,
  VALID_ACCESS_HEADER,
  validAccessClaims,
} from "./fixtures.ts";

const secret = new TextEncoder().encode(SECRET);
const issuer = hsIssuer();
const attacker = await generateKeyPair("ES256", { extractable: true });
const attackerJwk = await exportJWK(attacker.publicKey);

function without(payload: JWTPayload, claim: string): JWTPayload {
  const copy = { ...payload };
  delete copy[claim];
  return copy;
}

describe("a forged token with our secret and valid claims", () => {
  it("verifies (so every refusal below is for the one change it makes)", async () => {
    const token = await forge(VALID_ACCESS_HEADER, validAccessClaims(), secret);

    await expect(issuer.verifyAccess(token)).resolves.toMatchObject({ sub: "u1" });
  });

  it("verifies with the long form typ application/at+jwt", async () => {
    const header = { ...VALID_ACCESS_HEADER, typ: "application/at+jwt" };
    const token = await forge(header, validAccessClaims(), secret);

    await expect(issuer.verifyAccess(token)).resolves.toMatchObject({ sub: "u1" });
  });
});

describe("claims that are refused", () => {
  const valid = validAccessClaims();
  it.each<readonly [string, JWTPayload]>([
    ["a wrong iss", { ...valid, iss: "https://evil.example" }],
    ["a wrong aud", { ...valid, aud: "https://other-api.example" }],
    ["no iss", without(valid, "iss")],
    ["no aud", without(valid, "aud")],
    ["no exp", without(valid, "exp")],
    ["no iat", without(valid, "iat")],
    ["no sub", without(valid, "sub")],
    ["no jti", without(valid, "jti")],
    ["no token_use", without(valid, "token_use")],
    ["an empty sub", { ...valid, sub: "" }],
    ["a numeric sub", { ...valid, sub: 42 as unknown as string }],
    ["an iat in the future", { ...valid, iat: T0_SECONDS + 120 }],
    ["an nbf in the future", { ...valid, nbf: T0_SECONDS + 120 }],
    ["token_use refresh under typ at+jwt", { ...valid, token_use: "refresh" }],
  ])("%s", async (_name, payload) => {
    const token = await forge(VALID_ACCESS_HEADER, payload, secret);

    await expectTokenError(issuer.verifyAccess(token), "token.invalid");
  });

  it("an aud when the issuer has no audience (RFC 7519 §4.1.3)", async () => {
    const noAudience = hsIssuer({ audience: undefined });
    const token = await forge(VALID_ACCESS_HEADER, validAccessClaims(), secret);

    await expectTokenError(noAudience.verifyAccess(token), "token.invalid");
  });
});

describe("headers that are refused", () => {
  it.each<readonly [string, Record<string, unknown>]>([
    ["an embedded jwk", { jwk: attackerJwk }],
    ["a jku", { jku: "https://evil.example/jwks.json" }],
    ["an x5u", { x5u: "https://evil.example/cert.pem" }],
    ["an x5c", { x5c: ["MIIBszCCAVmgAwIBAgIUAA=="] }],
    ["an unknown kid", { kid: "someone-elses" }],
    ["no kid", { kid: undefined }],
    ["a kid that is no string", { kid: 7 }],
    ["a kid from Object.prototype", { kid: "__proto__" }],
    ["typ JWT", { typ: "JWT" }],
    ["no typ", { typ: undefined }],
    ["another HMAC algorithm with the same secret", { alg: "HS384" }],
  ])("%s", async (_name, change) => {
    const token = await forge({ ...VALID_ACCESS_HEADER, ...change }, validAccessClaims(), secret);

    await expectTokenError(issuer.verifyAccess(token), "token.invalid");
  });

  it("an unknown crit extension", async () => {
    const header = { ...VALID_ACCESS_HEADER, crit: ["exp"], exp: T0_SECONDS + 60 };
    const token = await forge(header, validAccessClaims(), secret, { exp: true });

    await expectTokenError(issuer.verifyAccess(token), "token.invalid");
  });

  it("a token signed by the attacker's key carried in its own jwk header", async () => {
    const es = createTokenIssuer({
      algorithm: "ES256",
      privateKey: ecPair("P-256").privateKey,
      issuer: ISSUER,
      audience: AUDIENCE,
      now: () => T0,
    });
    const header = { alg: "ES256", kid: es.currentKid, typ: "at+jwt", jwk: attackerJwk };
    const token = await forge(header, validAccessClaims(), attacker.privateKey);

    await expectTokenError(es.verifyAccess(token), "token.invalid");
  });
});

describe("signatures that are refused", () => {
  it("alg none", async () => {
    const token = unsigned(VALID_ACCESS_HEADER, validAccessClaims());

    await expectTokenError(issuer.verifyAccess(token), "token.invalid");
  });

  it("a tampered payload", async () => {
    const { token } = await issuer.issueAccess("u1");
    const [header, , signature] = token.split(".");
    const payload = Buffer.from(JSON.stringify({ ...validAccessClaims(), sub: "admin" }));

    const tampered = `${header}.${payload.toString("base64url")}.${signature}`;

    await expectTokenError(issuer.verifyAccess(tampered), "token.invalid");
  });

  it("a tampered signature", async () => {
    const { token } = await issuer.issueAccess("u1");
    const tampered = token.slice(0, -4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");

    await expectTokenError(issuer.verifyAccess(tampered), "token.invalid");
  });

  it("a signature by another key of the same algorithm under our kid", async () => {
    const es = createTokenIssuer({ algorithm: "ES256", privateKey: ecPair("P-256").privateKey });
    const header = { alg: "ES256", kid: es.currentKid, typ: "at+jwt" };
    const token = await forge(header, without(validAccessClaims(), "aud"), attacker.privateKey);

    await expectTokenError(es.verifyAccess(token), "token.invalid");
  });

  it.each(["", "abc", "a.b.c", "a.b", `${"a".repeat(9000)}.b.c`])("garbage %#", async (garbage) => {
    await expectTokenError(issuer.verifyAccess(garbage), "token.invalid");
  });
});

describe("HS/RS confusion: HS256 signed with the RSA public key as the secret", () => {
  const rsa = rsaPair();
  const publicKeyAsSecret = new TextEncoder().encode(rsa.publicKey);

  it("is refused by an RS256 issuer", async () => {
    const rs = createTokenIssuer({ algorithm: "RS256", privateKey: rsa.privateKey });
    const header = { alg: "HS256", kid: rs.currentKid, typ: "at+jwt" };
    const token = await forge(header, without(validAccessClaims(), "aud"), publicKeyAsSecret);

    await expectTokenError(rs.verifyAccess(token), "token.invalid");
  });

  it("is refused under the RSA kid by an issuer holding HS256 and RS256 keys", async () => {
    const mixed = createTokenIssuer({
      algorithm: "HS256",
      keys: [
        { kid: "hmac", secret: SECRET },
        { kid: "rsa", privateKey: rsa.privateKey, algorithm: "RS256" },
      ],
    });
    const header = { alg: "HS256", kid: "rsa", typ: "at+jwt" };
    const token = await forge(header, without(validAccessClaims(), "aud"), publicKeyAsSecret);

    await expectTokenError(mixed.verifyAccess(token), "token.invalid");
  });
});

describe("a token of the other kind", () => {
  it.each([
    ["a refresh token presented as access", "issueRefresh", "verifyAccess"],
    ["an access token presented as refresh", "issueAccess", "verifyRefresh"],
  ] as const)("%s is token.wrong_type", async (_name, issue, verify) => {
    const { token } = await issuer[issue]("u1");

    await expectTokenError(issuer[verify](token), "token.wrong_type");
  });
});
