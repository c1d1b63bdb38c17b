import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type AuthenticationResponseJSON,
  createKeyshipClient,
  isKeyshipError,
  KeyshipError,
  memoryKeyStore,
  type WebAuthnCeremonies,
} from "../src/index.ts";
import { problem, startTestServer, type TestServer } from "./helpers/test-server.ts";

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(() => server.close());

const assertion = { id: "cred-1", type: "public-key", response: {} };

/** Ceremonies that count the assertions asked for; `cancel` makes the prompt fail. */
function countingWebAuthn(cancel = false) {
  const prompts: unknown[] = [];
  const webauthn: WebAuthnCeremonies = {
    async createCredential() {
      throw new Error("not used");
    },
    async getCredential(options) {
      prompts.push(options);
      if (cancel) throw new KeyshipError({ code: "webauthn.not_allowed" });
      return assertion as unknown as AuthenticationResponseJSON;
    },
    async supportsAutofill() {
      return false;
    },
  };
  return { webauthn, prompts };
}

/** Sign-in, the step-up routes, and a sensitive route that needs the step-up mark. */
function addRoutes() {
  const state = { steppedUp: false, sensitiveCalls: 0 };
  server.route("POST", "/auth/login", (request) => ({
    json: { userId: "u1", deviceId: server.bindDevice(request) },
  }));
  server.route("POST", "/auth/step-up/start", async (request) => {
    await server.verifyBearer(request);
    return {
      json: { flowId: "f-up", options: { challenge: "c-up", userVerification: "required" } },
    };
  });
  server.route("POST", "/auth/step-up/finish", async (request) => {
    await server.verifyBearer(request);
    state.steppedUp = true;
    return { json: { steppedUpUntil: "2030-01-01T00:05:00.000Z" } };
  });
  server.route("POST", "/auth/step-up/password", async (request) => {
    await server.verifyBearer(request);
    const { password } = request.body as { password: string };
    if (password !== "correct horse") return problem(401, "auth.invalid_credentials");
    state.steppedUp = true;
    return { json: { steppedUpUntil: "2030-01-01T00:05:00.000Z" } };
  });
  server.route("POST", "/api/sensitive", async (request) => {
    await server.verifyBearer(request);
    state.sensitiveCalls += 1;
    if (!state.steppedUp) return problem(401, "auth.step_up_required");
    return { json: { ok: true, body: request.body } };
  });
  return state;
}

async function signedInClient(options: { cancel?: boolean; autoStepUp?: boolean } = {}) {
  const { webauthn, prompts } = countingWebAuthn(options.cancel);
  const client = createKeyshipClient({
    baseUrl: server.url,
    keyStore: memoryKeyStore(),
    webauthn,
    autoStepUp: options.autoStepUp,
  });
  await client.loginWithPassword({ email: "a@example.com", password: "x" });
  return { client, prompts };
}

const post = (body: unknown): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

describe("stepUp()", () => {
  it("runs signed start → modal assertion → finish", async () => {
    addRoutes();
    const { client, prompts } = await signedInClient();
    expect(await client.stepUp()).toEqual({ steppedUpUntil: "2030-01-01T00:05:00.000Z" });
    expect(prompts).toEqual([{ challenge: "c-up", userVerification: "required" }]);
    const finish = server.requests.find((r) => r.path === "/auth/step-up/finish");
    expect(finish?.body).toEqual({ flowId: "f-up", credential: assertion });
    expect(finish?.headers.authorization).toMatch(/^Bearer ey/);
  });

  it("steps up with the password when one is given, without a prompt", async () => {
    addRoutes();
    const { client, prompts } = await signedInClient();
    await expect(client.stepUp({ password: "wrong" })).rejects.toSatisfy((error) =>
      isKeyshipError(error, "auth.invalid_credentials"),
    );
    expect(await client.stepUp({ password: "correct horse" })).toEqual({
      steppedUpUntil: "2030-01-01T00:05:00.000Z",
    });
    expect(prompts).toHaveLength(0);
  });
});

describe("fetch() on auth.step_up_required", () => {
  it("steps up and sends the request once more, body included", async () => {
    const state = addRoutes();
    const { client, prompts } = await signedInClient();
    const response = await client.fetch("/api/sensitive", post({ name: "YubiKey" }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, body: { name: "YubiKey" } });
    expect(prompts).toHaveLength(1);
    expect(state.sensitiveCalls).toBe(2);
  });

  it("asks once for requests refused at the same time", async () => {
    const state = addRoutes();
    const { client, prompts } = await signedInClient();
    const responses = await Promise.all(
      [1, 2, 3].map(() => client.fetch("/api/sensitive", post({}))),
    );
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(prompts).toHaveLength(1);
    expect(state.sensitiveCalls).toBe(6);
  });

  it("retries only once: a second refusal is returned as it is", async () => {
    const state = addRoutes();
    server.route("POST", "/auth/step-up/finish", () => ({
      json: { steppedUpUntil: "2030-01-01T00:05:00.000Z" },
    }));
    const { client, prompts } = await signedInClient();
    const response = await client.fetch("/api/sensitive", post({}));
    expect(response.status).toBe(401);
    expect((await response.json()).code).toBe("auth.step_up_required");
    expect(prompts).toHaveLength(1);
    expect(state.sensitiveCalls).toBe(2);
  });

  it("rejects with the prompt's error when the user cancels, without resending", async () => {
    const state = addRoutes();
    const { client } = await signedInClient({ cancel: true });
    await expect(client.fetch("/api/sensitive", post({}))).rejects.toSatisfy((error) =>
      isKeyshipError(error, "webauthn.not_allowed"),
    );
    expect(state.sensitiveCalls).toBe(1);
  });

  it("returns the refusal untouched with autoStepUp: false", async () => {
    const state = addRoutes();
    const { client, prompts } = await signedInClient({ autoStepUp: false });
    const response = await client.fetch("/api/sensitive", post({}));
    expect(response.status).toBe(401);
    expect(prompts).toHaveLength(0);
    expect(state.sensitiveCalls).toBe(1);
  });

  it("steps up for the SDK's own methods too (revokeOtherDevices)", async () => {
    addRoutes();
    let calls = 0;
    server.route("POST", "/auth/devices/revoke-others", async (request) => {
      await server.verifyBearer(request);
      calls += 1;
      return calls === 1 ? problem(401, "auth.step_up_required") : { status: 204 };
    });
    const { client, prompts } = await signedInClient();
    await client.revokeOtherDevices();
    expect(prompts).toHaveLength(1);
    expect(calls).toBe(2);
  });
});
