/**
 * `updateProfile()` and `deleteAccount()`: what they send, that the deletion runs the step-up
 * the server asks for and then forgets the device key, and that a refusal keeps it.
 */
import { afterEach, beforeEach, expect, it } from "vitest";
import {
  type AuthenticationResponseJSON,
  createKeyshipClient,
  isKeyshipError,
  memoryKeyStore,
  type SignedOutEvent,
  type WebAuthnCeremonies,
} from "../src/index.ts";
import { problem, startTestServer, type TestServer } from "./helpers/test-server.ts";

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(() => server.close());

const webauthn: WebAuthnCeremonies = {
  async createCredential() {
    throw new Error("not used");
  },
  async getCredential() {
    return {
      id: "cred-1",
      type: "public-key",
      response: {},
    } as unknown as AuthenticationResponseJSON;
  },
  async supportsAutofill() {
    return false;
  },
};

async function signedIn(options: { lastAdmin?: boolean } = {}) {
  const state = { steppedUp: false, deleted: false };
  server.route("POST", "/auth/login", (request) => ({
    json: { userId: "u1", deviceId: server.bindDevice(request) },
  }));
  server.route("POST", "/auth/step-up/start", async (request) => {
    await server.verifyBearer(request);
    return { json: { flowId: "f", options: { challenge: "c", userVerification: "required" } } };
  });
  server.route("POST", "/auth/step-up/finish", async (request) => {
    await server.verifyBearer(request);
    state.steppedUp = true;
    return { json: { steppedUpUntil: "2030-01-01T00:05:00.000Z" } };
  });
  server.route("PATCH", "/auth/me", async (request) => {
    await server.verifyBearer(request);
    return {
      json: {
        id: "u1",
        email: null,
        displayName: null,
        role: "user",
        scopes: [],
        deviceId: "d",
        ...(request.body as object),
      },
    };
  });
  server.route("DELETE", "/auth/me", async (request) => {
    await server.verifyBearer(request);
    if (!state.steppedUp) return problem(401, "auth.step_up_required");
    if (options.lastAdmin) return problem(409, "user.last_admin");
    state.deleted = true;
    return { status: 204 };
  });
  const signedOut: SignedOutEvent[] = [];
  const client = createKeyshipClient({
    baseUrl: server.url,
    keyStore: memoryKeyStore(),
    webauthn,
    onSignedOut: (event) => signedOut.push(event),
  });
  await client.loginWithPassword({ email: "a@example.com", password: "x" });
  return { client, state, signedOut };
}

it("updateProfile() sends the patch and answers the typed user", async () => {
  const { client } = await signedIn();
  const me = await client.updateProfile<{ fullName: string }>({
    displayName: "Ada",
    fullName: "Ada L",
  });
  expect(me.fullName).toBe("Ada L");
  expect(server.requests.at(-1)).toMatchObject({
    method: "PATCH",
    path: "/auth/me",
    body: { displayName: "Ada", fullName: "Ada L" },
  });
});

it("deleteAccount() steps up when asked, deletes, and forgets the device key", async () => {
  const { client, state, signedOut } = await signedIn();
  await client.deleteAccount();
  expect(state).toEqual({ steppedUp: true, deleted: true });
  expect(await client.isSignedIn()).toBe(false);
  expect(signedOut.map((e) => e.reason)).toEqual(["deleted"]);
});

it("deleteAccount() keeps the device key when the server refuses", async () => {
  const { client, signedOut } = await signedIn({ lastAdmin: true });
  const error = await client.deleteAccount().catch((e: unknown) => e);
  expect(isKeyshipError(error, "user.last_admin")).toBe(true);
  expect(await client.isSignedIn()).toBe(true);
  expect(signedOut).toEqual([]);
});
