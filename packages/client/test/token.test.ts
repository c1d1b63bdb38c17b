import { decodeProtectedHeader, importJWK, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { exportDevicePublicJwk, generateDeviceKeyPair } from "../src/device-key.ts";
import { MAX_DEVICE_TOKEN_LIFETIME_SECONDS, mintDeviceToken } from "../src/token.ts";

async function mint(overrides: { lifetimeSeconds?: number; audience?: "keyship:ws" } = {}) {
  const keyPair = await generateDeviceKeyPair();
  const nowMs = Date.now();
  const minted = await mintDeviceToken({
    privateKey: keyPair.privateKey,
    deviceId: "d_device1",
    audience: overrides.audience ?? "keyship:http",
    lifetimeSeconds: overrides.lifetimeSeconds ?? 300,
    nowMs,
  });
  const publicJwk = await exportDevicePublicJwk(keyPair.publicKey);
  return { ...minted, publicJwk, nowMs };
}

describe("mintDeviceToken", () => {
  it("verifies with jose against the exported public JWK, ES256 only", async () => {
    const { token, publicJwk } = await mint();
    const key = await importJWK({ ...publicJwk }, "ES256");
    const { payload } = await jwtVerify(token, key, {
      algorithms: ["ES256"],
      audience: "keyship:http",
      typ: "JWT",
    });
    expect(payload.aud).toBe("keyship:http");
  });

  it("has the header {alg: ES256, kid: deviceId, typ: JWT} and nothing else", async () => {
    const { token } = await mint();
    expect(decodeProtectedHeader(token)).toEqual({ alg: "ES256", kid: "d_device1", typ: "JWT" });
  });

  it("has exactly iat, exp, aud and jti; no sub and no roles", async () => {
    const { token, publicJwk, nowMs, expiresAtMs } = await mint();
    const { payload } = await jwtVerify(token, await importJWK({ ...publicJwk }, "ES256"));
    expect(Object.keys(payload).sort()).toEqual(["aud", "exp", "iat", "jti"]);
    expect(payload.iat).toBe(Math.floor(nowMs / 1000));
    expect(payload.exp).toBe(Math.floor(nowMs / 1000) + 300);
    expect(expiresAtMs).toBe((payload.exp ?? 0) * 1000);
    expect(payload.jti).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it("gives every token its own jti", async () => {
    const [a, b] = await Promise.all([mint(), mint()]);
    const jti = (token: string) =>
      JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString()).jti;
    expect(jti(a.token)).not.toBe(jti(b.token));
  });

  it("signs with a raw 64-byte r||s signature", async () => {
    const { token } = await mint();
    const signature = token.split(".")[2] ?? "";
    expect(Buffer.from(signature, "base64url")).toHaveLength(64);
  });

  it("sets aud keyship:ws for WebSocket tokens", async () => {
    const { token, publicJwk } = await mint({ audience: "keyship:ws", lifetimeSeconds: 60 });
    const key = await importJWK({ ...publicJwk }, "ES256");
    const { payload } = await jwtVerify(token, key, {
      algorithms: ["ES256"],
      audience: "keyship:ws",
    });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(60);
  });

  it.each([0, -1, 1.5, MAX_DEVICE_TOKEN_LIFETIME_SECONDS + 1])(
    "refuses a lifetime of %s seconds",
    async (lifetimeSeconds) => {
      await expect(mint({ lifetimeSeconds })).rejects.toBeInstanceOf(RangeError);
    },
  );
});
