import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createKeyshipClient,
  isKeyshipError,
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

const registration = { id: "cred-9", type: "public-key" } as unknown as RegistrationResponseJSON;

function newClient() {
  const created: unknown[] = [];
  const webauthn: WebAuthnCeremonies = {
    async createCredential(options) {
      created.push(options);
      return registration;
    },
    async getCredential() {
      throw new Error("no assertion in these tests");
    },
    async supportsAutofill() {
      return false;
    },
  };
  const keyStore = memoryKeyStore();
  const client = createKeyshipClient({ baseUrl: server.url, keyStore, webauthn });
  return { client, keyStore, created };
}

const bodyOf = (path: string) => server.requests.find((r) => r.path === path)?.body;

describe("recoverAccount", () => {
  it("sends the email and code, creates the passkey, binds and keeps a new device key", async () => {
    server.route("POST", "/auth/recovery/start", () => ({
      json: { flowId: "f-rec", options: { challenge: "c9" } },
    }));
    server.route("POST", "/auth/recovery/finish", (request) => ({
      json: { userId: "u1", passkeyId: "k2", deviceId: server.bindDevice(request) },
    }));
    const { client, keyStore, created } = newClient();
    const result = await client.recoverAccount({ email: "a@example.com", code: "abcd-efgh" });
    expect(result).toEqual({ userId: "u1", passkeyId: "k2", deviceId: "d1" });
    expect(bodyOf("/auth/recovery/start")).toEqual({ email: "a@example.com", code: "abcd-efgh" });
    expect(created).toEqual([{ challenge: "c9" }]);
    expect(bodyOf("/auth/recovery/finish")).toMatchObject({
      flowId: "f-rec",
      credential: registration,
    });
    expect((await keyStore.load())?.deviceId).toBe("d1");
  });

  it("sends only the token of a recovery link", async () => {
    server.route("POST", "/auth/recovery/start", () => problem(400, "recovery.link_invalid"));
    const { client } = newClient();
    const error = await client.recoverAccount({ token: "t".repeat(43) }).catch((e: unknown) => e);
    expect(isKeyshipError(error, "recovery.link_invalid")).toBe(true);
    expect(bodyOf("/auth/recovery/start")).toEqual({ token: "t".repeat(43) });
  });

  it("runs no ceremony and keeps no key when the code is refused", async () => {
    server.route("POST", "/auth/recovery/start", () => problem(401, "recovery.code_invalid"));
    const { client, keyStore, created } = newClient();
    const error = await client
      .recoverAccount({ email: "a@example.com", code: "nope" })
      .catch((e: unknown) => e);
    expect(isKeyshipError(error, "recovery.code_invalid")).toBe(true);
    expect(created).toEqual([]);
    expect(await keyStore.load()).toBeUndefined();
  });
});

describe("email change", () => {
  it("confirms with the link's token, signed out", async () => {
    server.route("POST", "/auth/email/change/confirm", () => ({
      json: { email: "b@example.com" },
    }));
    const { client } = newClient();
    expect(await client.confirmEmailChange("t".repeat(43))).toEqual({ email: "b@example.com" });
    expect(bodyOf("/auth/email/change/confirm")).toEqual({ token: "t".repeat(43) });
  });
});
