import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { newId } from "../../src/ids.ts";
import { SoftwareAuthenticator } from "../helpers/authenticator.ts";
import { dialects } from "../helpers/databases.ts";
import {
  codeOf,
  type MintOptions,
  mintDeviceToken,
  registerAccount,
  TEST_ORIGIN,
} from "../helpers/passkeys.ts";
import { useSuite } from "../helpers/suite.ts";

const b64 = (value: object | string) =>
  Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");

describe.each(dialects)("device tokens on $name", (dialect) => {
  const suite = useSuite(dialect);
  const me = (token: string) =>
    suite.app.request("/auth/me", { headers: { authorization: `Bearer ${token}` } });
  const mint = (...[key, deviceId, options]: Parameters<typeof mintDeviceToken>) =>
    mintDeviceToken(key, deviceId, { clock: suite.clock, ...options });
  const newAccount = () =>
    registerAccount(suite.app, new SoftwareAuthenticator({ origin: TEST_ORIGIN }));

  it("authenticates a request signed by the device key", async () => {
    const account = await newAccount();
    const res = await me(await mint(account.deviceKey, account.deviceId));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      id: account.userId,
      role: "user",
      scopes: [],
      deviceId: account.deviceId,
    });
  });

  const now = () => suite.clock.seconds();
  const minted: Array<[string, () => MintOptions]> = [
    ["a wrong audience", () => ({ aud: "someone-else" })],
    ["no audience", () => ({ aud: undefined })],
    ["the WebSocket audience on HTTP", () => ({ aud: "keyship:ws" })],
    ["no exp", () => ({ exp: undefined })],
    ["an iat in the future", () => ({ iat: now() + 120, exp: now() + 300 })],
    ["a lifetime over the maximum", () => ({ iat: now(), exp: now() + 901 })],
    ["a sub naming another user", () => ({ sub: "u0000000000000000000000000000000" })],
    ["an embedded jwk header", () => ({ header: { jwk: { kty: "EC" } } })],
    ["a jku header", () => ({ header: { jku: "https://evil.example/jwks" } })],
    ["an x5u header", () => ({ header: { x5u: "https://evil.example/cert" } })],
    ["an x5c header", () => ({ header: { x5c: ["MIIB"] } })],
    ["a crit header", () => ({ header: { crit: ["urn:example:ext"], "urn:example:ext": true } })],
  ];

  it.each(minted)("refuses a token with %s", async (_name, options) => {
    const account = await newAccount();
    const res = await me(await mint(account.deviceKey, account.deviceId, options()));
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toContain('error="invalid_token"');
    expect(await codeOf(res)).toBe("token.invalid");
  });

  it("answers an expired token with token.expired", async () => {
    const account = await newAccount();
    const token = await mintDeviceToken(account.deviceKey, account.deviceId, {
      iat: now() - 400,
      exp: now() - 60,
    });
    const res = await me(token);
    expect(res.status).toBe(401);
    expect(await codeOf(res)).toBe("token.expired");
  });

  it.each([
    [
      "alg none",
      (kid: string) =>
        `${b64({ alg: "none", kid })}.${b64({ aud: "keyship:http", iat: now(), exp: now() + 60 })}.`,
    ],
    [
      "HS256 signed with the device's public key",
      (kid: string, jwk: object) => {
        const input = `${b64({ alg: "HS256", kid, typ: "JWT" })}.${b64({ aud: "keyship:http", iat: now(), exp: now() + 60 })}`;
        return `${input}.${createHmac("sha256", JSON.stringify(jwk)).update(input).digest("base64url")}`;
      },
    ],
  ])("refuses %s", async (_name, forge) => {
    const account = await newAccount();
    const res = await me(forge(account.deviceId, account.deviceKey.publicJwk));
    expect(res.status).toBe(401);
    expect(await codeOf(res)).toBe("token.invalid");
  });

  it("refuses a tampered payload", async () => {
    const account = await newAccount();
    const [h, , s] = (await mint(account.deviceKey, account.deviceId)).split(".");
    const forged = `${h}.${b64({ aud: "keyship:http", iat: now(), exp: now() + 300, sub: "u-admin" })}.${s}`;
    expect(await codeOf(await me(forged))).toBe("token.invalid");
  });

  it("refuses a token signed by another device's key", async () => {
    const alice = await newAccount();
    const bob = await newAccount();
    expect(await codeOf(await me(await mint(bob.deviceKey, alice.deviceId)))).toBe("token.invalid");
  });

  it.each([
    ["an unknown device id", () => newId("device")],
    ["a kid that is no device id", () => "not-a-device"],
  ])("refuses %s", async (_name, kid) => {
    const account = await newAccount();
    expect(await codeOf(await me(await mint(account.deviceKey, kid())))).toBe("token.invalid");
  });

  it("refuses a revoked device on the very next request, cache or not", async () => {
    const account = await newAccount();
    const token = await mint(account.deviceKey, account.deviceId);
    expect((await me(token)).status).toBe(200); // now cached
    const logout = await suite.app.request("/auth/logout", {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(logout.status).toBe(204);
    expect(await codeOf(await me(token))).toBe("token.revoked");
  });

  it("refuses a disabled user's device once the user is invalidated", async () => {
    const account = await newAccount();
    const token = await mint(account.deviceKey, account.deviceId);
    expect((await me(token)).status).toBe(200);
    await suite.app.keyship.db
      .updateTable("users")
      .set({ disabled_at: new Date().toISOString() })
      .where("id", "=", account.userId)
      .execute();
    suite.app.keyship.invalidateUser(account.userId);
    expect(await codeOf(await me(token))).toBe("token.invalid");
  });

  it("keeps devices per user: one browser key used by two accounts makes two devices", async () => {
    const alice = await newAccount();
    const authenticator = new SoftwareAuthenticator({ origin: TEST_ORIGIN });
    const { startRegistration, finishRegistration } = await import("../helpers/passkeys.ts");
    const { flowId, options } = await startRegistration(suite.app);
    const res = await finishRegistration(
      suite.app,
      flowId,
      authenticator.createCredential(options),
      alice.deviceKey,
    );
    const bob = (await res.json()) as { userId: string; deviceId: string };
    expect(bob.deviceId).not.toBe(alice.deviceId);
    const asBob = await me(await mint(alice.deviceKey, bob.deviceId));
    expect(((await asBob.json()) as { id: string }).id).toBe(bob.userId);
  });

  it("lists devices, flags the caller's, and revokes the others", async () => {
    const account = await newAccount();
    const { loginAccount } = await import("../helpers/passkeys.ts");
    const authenticator = new SoftwareAuthenticator({ origin: TEST_ORIGIN });
    const other = await registerAccount(suite.app, authenticator);
    const second = await loginAccount(suite.app, authenticator);
    await second.stepUp();
    const list = await suite.app.request("/auth/devices", { headers: await second.auth() });
    const devices = ((await list.json()) as { devices: Array<{ id: string; current: boolean }> })
      .devices;
    expect(devices.map((d) => [d.id, d.current]).sort()).toEqual(
      [
        [other.deviceId, false],
        [second.deviceId, true],
      ].sort(),
    );
    const revoked = await suite.app.request("/auth/devices/revoke-others", {
      method: "POST",
      headers: await second.auth(),
    });
    expect(await revoked.json()).toEqual({ revoked: 1 });
    expect((await me(await mint(other.deviceKey, other.deviceId))).status).toBe(401);
    expect((await suite.app.request("/auth/me", { headers: await second.auth() })).status).toBe(
      200,
    );
    const foreign = await suite.app.request(`/auth/devices/${account.deviceId}/revoke`, {
      method: "POST",
      headers: await second.auth(),
    });
    expect(foreign.status).toBe(404);
  });
});
