import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createKeyshipClient,
  isKeyshipError,
  type KeyStore,
  memoryKeyStore,
  type RegistrationResponseJSON,
  type WebAuthnCeremonies,
} from "../src/index.ts";
import { problem, startTestServer, type TestServer } from "./helpers/test-server.ts";

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(() => server.close());

const registration = { id: "cred-1", type: "public-key" } as unknown as RegistrationResponseJSON;
const assertion = { id: "cred-1", type: "public-key", response: {} };

/** Ceremonies that record their input and answer fixed responses. */
function recordingWebAuthn() {
  const calls: { kind: string; options: unknown; autofill?: boolean }[] = [];
  const webauthn: WebAuthnCeremonies = {
    async createCredential(options) {
      calls.push({ kind: "create", options });
      return registration;
    },
    async getCredential(options, mode) {
      calls.push({ kind: "get", options, autofill: mode.autofill });
      return assertion as never;
    },
    async supportsAutofill() {
      return false;
    },
  };
  return { webauthn, calls };
}

function addPasskeyRoutes() {
  server.route("POST", "/auth/passkey/register/start", () => ({
    json: { flowId: "f-reg", options: { challenge: "c1" } },
  }));
  server.route("POST", "/auth/passkey/register/finish", (request) => ({
    status: 201,
    json: { userId: "u1", passkeyId: "k1", deviceId: server.bindDevice(request) },
  }));
  server.route("POST", "/auth/passkey/login/start", () => ({
    json: { flowId: "f-login", options: { challenge: "c2", allowCredentials: [] } },
  }));
  server.route("POST", "/auth/passkey/login/finish", (request) => ({
    json: { userId: "u1", passkeyId: "k1", deviceId: server.bindDevice(request) },
  }));
  server.route("POST", "/auth/logout", async (request) => {
    const { deviceId } = await server.verifyBearer(request);
    server.devices.delete(deviceId);
    return { status: 204 };
  });
}

function newClient(keyStore: KeyStore = memoryKeyStore()) {
  const { webauthn, calls } = recordingWebAuthn();
  const client = createKeyshipClient({
    baseUrl: server.url,
    keyStore,
    webauthn,
    deviceLabel: "Test laptop",
  });
  return { client, calls, keyStore };
}

const bodyOf = (path: string) => server.requests.find((r) => r.path === path)?.body;

describe("register", () => {
  it("runs start → createCredential → finish and stores the new device", async () => {
    addPasskeyRoutes();
    const { client, calls, keyStore } = newClient();
    const result = await client.register({ email: "a@example.com", displayName: "A" });
    expect(result).toEqual({ userId: "u1", passkeyId: "k1", deviceId: "d1" });
    expect(bodyOf("/auth/passkey/register/start")).toEqual({
      email: "a@example.com",
      displayName: "A",
    });
    expect(calls).toEqual([{ kind: "create", options: { challenge: "c1" } }]);
    const finish = bodyOf("/auth/passkey/register/finish") as Record<string, unknown>;
    expect(finish).toMatchObject({
      flowId: "f-reg",
      credential: registration,
      deviceLabel: "Test laptop",
    });
    expect(Object.keys(finish.devicePublicKey as object).sort()).toEqual(["crv", "kty", "x", "y"]);
    expect((await keyStore.load())?.deviceId).toBe("d1");
    expect(await client.isSignedIn()).toBe(true);
  });

  it("stores nothing when the server refuses the registration", async () => {
    addPasskeyRoutes();
    server.route("POST", "/auth/passkey/register/finish", () =>
      problem(400, "passkey.verification_failed"),
    );
    const { client, keyStore } = newClient();
    const error = await client.register().catch((e: unknown) => e);
    expect(isKeyshipError(error, "passkey.verification_failed")).toBe(true);
    expect(await keyStore.load()).toBeUndefined();
  });
});

describe("login", () => {
  it("runs start → getCredential (modal) → finish", async () => {
    addPasskeyRoutes();
    const { client, calls } = newClient();
    expect(await client.login()).toEqual({ userId: "u1", passkeyId: "k1", deviceId: "d1" });
    expect(calls[0]).toMatchObject({ kind: "get", autofill: false });
    expect(bodyOf("/auth/passkey/login/finish")).toMatchObject({
      flowId: "f-login",
      credential: assertion,
    });
  });

  it("uses a fresh device key for every sign-in and retires the replaced device", async () => {
    addPasskeyRoutes();
    const { client } = newClient();
    await client.login();
    const firstKey = server.devices.get("d1");
    await client.login();
    expect(server.devices.get("d2")).not.toEqual(firstKey);
    await expect.poll(() => server.devices.has("d1")).toBe(false);
  });

  it("fails with webauthn.autofill_input_missing outside a page", async () => {
    const { client } = newClient();
    const error = await client.loginWithAutofill("#email").catch((e: unknown) => e);
    expect(isKeyshipError(error, "webauthn.autofill_input_missing")).toBe(true);
  });
});

describe("logout", () => {
  it("revokes the device on the server and forgets the key", async () => {
    addPasskeyRoutes();
    const { client, keyStore } = newClient();
    await client.login();
    await client.logout();
    expect(server.devices.has("d1")).toBe(false);
    expect(await keyStore.load()).toBeUndefined();
    expect(await client.isSignedIn()).toBe(false);
  });

  it("forgets the key even when the server cannot be reached", async () => {
    addPasskeyRoutes();
    const { client } = newClient();
    await client.login();
    await server.close();
    const error = await client.logout().catch((e: unknown) => e);
    expect(isKeyshipError(error, "client.network_error")).toBe(true);
    expect(await client.isSignedIn()).toBe(false);
    server = await startTestServer();
  });

  it("does nothing when not signed in", async () => {
    const { client } = newClient();
    await client.logout();
    expect(server.requests).toHaveLength(0);
  });
});

describe("account management", () => {
  async function signedIn() {
    addPasskeyRoutes();
    const context = newClient();
    await context.client.login();
    server.requests.length = 0;
    return context;
  }

  it("adds a passkey with signed start and finish", async () => {
    const { client, calls } = await signedIn();
    server.route("POST", "/auth/passkey/add/start", async (request) => {
      await server.verifyBearer(request);
      return { json: { flowId: "f-add", options: { challenge: "c3" } } };
    });
    server.route("POST", "/auth/passkey/add/finish", async (request) => {
      await server.verifyBearer(request);
      return { status: 201, json: { passkeyId: "k2" } };
    });
    expect(await client.addPasskey({ name: "YubiKey" })).toEqual({ passkeyId: "k2" });
    expect(calls.at(-1)).toEqual({ kind: "create", options: { challenge: "c3" } });
    expect(bodyOf("/auth/passkey/add/finish")).toEqual({
      flowId: "f-add",
      credential: registration,
      name: "YubiKey",
    });
  });

  it("lists, renames and revokes passkeys", async () => {
    const { client } = await signedIn();
    const passkey = {
      id: "k1",
      name: "Phone",
      createdAt: "2030-01-01T00:00:00.000Z",
      lastUsedAt: null,
      backedUp: true,
      transports: ["internal"],
      revokedAt: null,
    };
    server.route("GET", "/auth/passkeys", () => ({ json: { passkeys: [passkey] } }));
    server.route("PATCH", "/auth/passkeys/k1", () => ({ json: { ...passkey, name: "Mine" } }));
    server.route("POST", "/auth/passkeys/k1/revoke", () => problem(409, "passkey.last_passkey"));
    expect(await client.listPasskeys()).toEqual([passkey]);
    await client.renamePasskey("k1", "Mine");
    expect(bodyOf("/auth/passkeys/k1")).toEqual({ name: "Mine" });
    const error = await client.revokePasskey("k1").catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "passkey.last_passkey",
      status: 409,
      traceId: "trace-123",
    });
  });

  it("escapes ids in paths", async () => {
    const { client } = await signedIn();
    await client.revokePasskey("a/b?c").catch(() => {});
    expect(server.requests.at(-1)?.path).toBe("/auth/passkeys/a%2Fb%3Fc/revoke");
  });

  it("reads me and devices with a signed request", async () => {
    const { client } = await signedIn();
    server.route("GET", "/auth/me", async (request) => {
      const { deviceId } = await server.verifyBearer(request);
      return {
        json: { id: "u1", email: null, displayName: null, role: "user", scopes: [], deviceId },
      };
    });
    server.route("GET", "/auth/devices", () => ({
      json: { devices: [{ id: "d1", current: true }] },
    }));
    expect((await client.me()).deviceId).toBe("d1");
    expect(await client.listDevices()).toEqual([{ id: "d1", current: true }]);
  });

  it("forgets the key after revoking its own device, not after revoking another", async () => {
    const { client } = await signedIn();
    server.route("POST", "/auth/devices/d9/revoke", () => ({ status: 204 }));
    server.route("POST", "/auth/devices/d1/revoke", () => ({ status: 204 }));
    await client.revokeDevice("d9");
    expect(await client.isSignedIn()).toBe(true);
    await client.revokeDevice("d1");
    expect(await client.isSignedIn()).toBe(false);
  });

  it("fails with client.not_signed_in when signed out", async () => {
    const { client } = newClient();
    const error = await client.me().catch((e: unknown) => e);
    expect(isKeyshipError(error, "client.not_signed_in")).toBe(true);
  });

  it("maps a success answer that is not JSON to client.unexpected_response", async () => {
    const { client } = await signedIn();
    server.route("GET", "/auth/me", () => ({ text: "<html>", contentType: "text/html" }));
    const error = await client.me().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "client.unexpected_response", status: 200 });
  });
});

describe("password sign-in", () => {
  it("registers with a device public key and signs in", async () => {
    server.route("POST", "/auth/register", (request) => ({
      status: 201,
      json: { userId: "u1", deviceId: server.bindDevice(request) },
    }));
    const { client } = newClient();
    const result = await client.registerWithPassword({
      email: "a@example.com",
      password: "hunter22",
    });
    expect(result).toEqual({ userId: "u1", deviceId: "d1" });
    expect(bodyOf("/auth/register")).toMatchObject({
      email: "a@example.com",
      password: "hunter22",
    });
    expect(await client.isSignedIn()).toBe(true);
  });

  it("surfaces auth.invalid_credentials and stays signed out", async () => {
    server.route("POST", "/auth/login", () => problem(401, "auth.invalid_credentials"));
    const { client } = newClient();
    const error = await client
      .loginWithPassword({ email: "a@example.com", password: "nope" })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "auth.invalid_credentials", status: 401 });
    expect(await client.isSignedIn()).toBe(false);
  });
});
