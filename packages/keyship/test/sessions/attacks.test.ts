import { createHmac, createPublicKey } from "node:crypto";
import { importJWK, type JWK, SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { requireUser } from "../../src/guards/guards.ts";
import { createTokenIssuer } from "../../src/tokens/issuer.ts";
import { dialects } from "../helpers/databases.ts";
import { codeOf, TEST_ORIGIN } from "../helpers/passkeys.ts";
import { bearer, keygenEs256, registerWithSession } from "../helpers/sessions.ts";
import { useSuite } from "../helpers/suite.ts";

const key = await keygenEs256();
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** An issuer holding the server's own key, with some settings changed. */
function issuerWith(options: { issuer?: string; audience?: string }) {
  return createTokenIssuer({
    algorithm: "ES256",
    privateKey: key as JWK,
    issuer: options.issuer ?? TEST_ORIGIN,
    audience: options.audience ?? "keyship:access",
  });
}

describe.each(dialects)("access-token attacks on $name", (dialect) => {
  const suite = useSuite(dialect, { sessionPrivateKeys: [key] });
  const now = () => suite.clock.seconds();
  beforeAll(() => {
    suite.app.get("/whoami", requireUser(), (c) => c.json(c.var.principal));
  });
  const whoami = (token: string) => suite.app.request("/whoami", { headers: bearer(token) });
  const signUp = async () => (await registerWithSession(suite.app, "bearer")).body;
  const claims = (userId: string, sessionId: string) => ({
    iss: TEST_ORIGIN,
    aud: "keyship:access",
    sub: userId,
    sid: sessionId,
    iat: now(),
    exp: now() + 300,
    jti: "j1",
    token_use: "access",
  });

  it("accepts the server's own ES256 access token", async () => {
    const body = await signUp();
    expect((await whoami(body.accessToken as string)).status).toBe(200);
  });

  it.each([
    ["alg none", (c: object) => `${b64({ alg: "none", typ: "at+jwt", kid: key.kid })}.${b64(c)}.`],
    [
      "HS256 signed with the public key (PEM) as the secret",
      (c: object) => {
        const pem = createPublicKey({ key: key as never, format: "jwk" }).export({
          type: "spki",
          format: "pem",
        });
        const input = `${b64({ alg: "HS256", typ: "at+jwt", kid: key.kid })}.${b64(c)}`;
        return `${input}.${createHmac("sha256", pem).update(input).digest("base64url")}`;
      },
    ],
    [
      "HS256 signed with the public JWK as the secret",
      (c: object) => {
        const { d: _d, ...pub } = key;
        const input = `${b64({ alg: "HS256", typ: "at+jwt", kid: key.kid })}.${b64(c)}`;
        return `${input}.${createHmac("sha256", JSON.stringify(pub)).update(input).digest("base64url")}`;
      },
    ],
  ])("refuses %s", async (_name, forge) => {
    const body = await signUp();
    const res = await whoami(forge(claims(body.userId, body.sessionId)));
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toContain('error="invalid_token"');
    expect(await codeOf(res)).toBe("token.invalid");
  });

  it.each([
    ["a wrong issuer", { issuer: "https://evil.example" }],
    ["a wrong audience", { audience: "someone-else" }],
  ])("refuses a token with %s", async (_name, options) => {
    const body = await signUp();
    const { token } = await issuerWith(options).issueAccess(body.userId, { sid: body.sessionId });
    const res = await whoami(token);
    expect(res.status).toBe(401);
    expect(await codeOf(res)).toBe("token.invalid");
  });

  it("refuses a refresh JWT used as an access token (wrong typ)", async () => {
    const body = await signUp();
    const { token } = await issuerWith({}).issueRefresh(body.userId, { sid: body.sessionId });
    const res = await whoami(token);
    expect(res.status).toBe(401);
    expect(await codeOf(res)).toBe("token.wrong_type");
  });

  it("refuses an access token without a session id", async () => {
    const body = await signUp();
    const { token } = await issuerWith({}).issueAccess(body.userId);
    expect(await codeOf(await whoami(token))).toBe("token.invalid");
  });

  it("refuses an access token naming someone else than the session's owner", async () => {
    const alice = await signUp();
    const bob = await signUp();
    const { token } = await issuerWith({}).issueAccess(bob.userId, { sid: alice.sessionId });
    expect(await codeOf(await whoami(token))).toBe("token.invalid");
  });

  it("refuses a token of another type (typ JWT) as no credential of ours", async () => {
    const body = await signUp();
    const token = await new SignJWT(claims(body.userId, body.sessionId))
      .setProtectedHeader({ alg: "ES256", kid: key.kid, typ: "JWT" })
      .sign(await importJWK(key as JWK, "ES256"));
    const res = await whoami(token);
    expect(res.status).toBe(401);
    expect(await codeOf(res)).toBe("token.invalid");
  });

  it("refuses the opaque refresh token used as a bearer token", async () => {
    const body = await signUp();
    const res = await whoami(body.refreshToken as string);
    expect(res.status).toBe(401);
    expect(await codeOf(res)).toBe("token.invalid");
  });

  it("refuses a tampered payload", async () => {
    const alice = await signUp();
    const bob = await signUp();
    const [h, , s] = (alice.accessToken as string).split(".");
    const forged = `${h}.${b64(claims(bob.userId, bob.sessionId))}.${s}`;
    expect(await codeOf(await whoami(forged))).toBe("token.invalid");
  });
});
