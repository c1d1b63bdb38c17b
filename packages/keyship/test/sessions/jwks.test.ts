import { createRemoteJWKSet, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KeyshipApp } from "../../src/app.ts";
import { runKeygen } from "../../src/cli/keygen.ts";
import { listen, type RunningServer } from "../../src/server.ts";
import { testApp } from "../helpers/app.ts";
import { TEST_ORIGIN } from "../helpers/passkeys.ts";
import { keygenEs256, registerWithSession } from "../helpers/sessions.ts";

describe("JWKS against a running server", () => {
  let app: KeyshipApp;
  let server: RunningServer;
  let current: Record<string, string>;
  let retired: Record<string, string>;

  beforeAll(async () => {
    current = await keygenEs256();
    retired = await keygenEs256();
    app = testApp("sqlite::memory:", { sessionPrivateKeys: [current, retired] });
    await app.keyship.ready;
    server = await listen(app, { port: 0, hostname: "127.0.0.1", handleSignals: false });
  });
  afterAll(async () => {
    await server?.close();
    await app?.keyship.close();
  });

  it("publishes every public key with kid, and nothing private", async () => {
    const res = await fetch(`http://127.0.0.1:${server.port}/.well-known/jwks.json`);
    expect(res.status).toBe(200);
    const { keys } = (await res.json()) as { keys: Array<Record<string, string>> };
    expect(keys.map((k) => k.kid)).toEqual([current.kid, retired.kid]);
    for (const k of keys) {
      expect(k).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256", use: "sig" });
      expect(k.d).toBeUndefined();
    }
    expect(app.keyship.jwks().keys).toHaveLength(2);
  });

  it("lets jose verify an access token with createRemoteJWKSet", async () => {
    const { body } = await registerWithSession(app, "bearer");
    const jwks = createRemoteJWKSet(
      new URL(`http://127.0.0.1:${server.port}/.well-known/jwks.json`),
    );
    const { payload, protectedHeader } = await jwtVerify(body.accessToken as string, jwks, {
      algorithms: ["ES256"],
      issuer: TEST_ORIGIN,
      audience: "keyship:access",
      typ: "at+jwt",
    });
    expect(protectedHeader.kid).toBe(current.kid);
    expect(payload).toMatchObject({ sub: body.userId, sid: body.sessionId });
  });
});

describe("JWKS with an HMAC secret", () => {
  const app = testApp("sqlite::memory:", { sessionSecret: "s".repeat(32) });
  afterAll(() => app.keyship.close());

  it("publishes no key", async () => {
    const res = await app.request("/.well-known/jwks.json");
    expect(await res.json()).toEqual({ keys: [] });
  });
});

describe("keyship keygen", () => {
  const run = async (type: string | undefined) => {
    const out: string[] = [];
    const err: string[] = [];
    const io = {
      out: (l: string) => out.push(l),
      err: (l: string) => err.push(l),
      env: {},
      cwd: ".",
    };
    return { code: await runKeygen({ type }, io).catch((e: Error) => e), out, err };
  };

  it("prints an ES256 private JWK with a kid", async () => {
    const { code, out } = await run("es256");
    expect(code).toBe(0);
    expect(JSON.parse(out[0] as string)).toMatchObject({
      kty: "EC",
      crv: "P-256",
      alg: "ES256",
      kid: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      d: expect.any(String),
    });
  });

  it("prints a 256-bit secret", async () => {
    const { out } = await run("secret");
    expect(out[0]).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("refuses an unknown type", async () => {
    const { code } = await run("rsa");
    expect(code).toBeInstanceOf(Error);
  });
});
