import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createKeyshipClient,
  isKeyshipError,
  KeyshipError,
  memoryKeyStore,
  type SignedOutEvent,
} from "../src/index.ts";
import { signedInClient } from "./helpers/clients.ts";
import { type ManualClock, manualClock } from "./helpers/clock.ts";
import { problem, startTestServer, type TestServer } from "./helpers/test-server.ts";

let server: TestServer;
let clock: ManualClock;

beforeEach(async () => {
  clock = manualClock();
  server = await startTestServer(clock.now);
});
afterEach(() => server.close());

/** A route that verifies the device token and echoes what it saw. */
function addEchoRoute(method = "GET", path = "/api/echo") {
  server.route(method, path, async (request) => {
    const { deviceId, payload } = await server.verifyBearer(request);
    return { json: { deviceId, jti: payload.jti, body: request.body } };
  });
}

function jtis(): unknown[] {
  return server.requests.map((r) => {
    const token = String(r.headers.authorization).replace("Bearer ", "");
    return JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString()).jti;
  });
}

describe("client.fetch", () => {
  it("attaches a device token the server verifies", async () => {
    const { client, signIn } = await signedInClient(server, { now: clock.now });
    addEchoRoute();
    const response = await client.fetch("/api/echo");
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ deviceId: signIn.deviceId });
  });

  it("re-uses the cached token until it is near expiry, then mints a new one", async () => {
    const { client } = await signedInClient(server, { now: clock.now });
    addEchoRoute();
    await client.fetch("/api/echo");
    clock.advance(200);
    await client.fetch("/api/echo");
    clock.advance(41); // 241 s: less than the 60 s margin left on a 300 s token
    await client.fetch("/api/echo");
    const [first, second, third] = jtis();
    expect(second).toBe(first);
    expect(third).not.toBe(first);
  });

  it("retries exactly once, with a new token, on 401 token.expired", async () => {
    const { client } = await signedInClient(server, { now: clock.now });
    let calls = 0;
    server.route("POST", "/api/orders", async (request) => {
      calls += 1;
      if (calls === 1) return problem(401, "token.expired");
      await server.verifyBearer(request);
      return { status: 201, json: { received: request.body } };
    });
    const response = await client.fetch("/api/orders", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ item: 7 }),
    });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ received: { item: 7 } });
    expect(server.requests).toHaveLength(2);
    const [first, second] = jtis();
    expect(second).not.toBe(first);
  });

  it("returns the second token.expired instead of retrying again", async () => {
    const { client } = await signedInClient(server, { now: clock.now });
    server.route("GET", "/api/stale", () => problem(401, "token.expired"));
    const response = await client.fetch("/api/stale");
    expect(response.status).toBe(401);
    expect(server.requests).toHaveLength(2);
    expect(await client.isSignedIn()).toBe(true);
  });

  it.each([
    [403, "auth.forbidden"],
    [401, "auth.invalid_credentials"],
    [500, "internal.error"],
  ])("does not retry a %s %s", async (status, code) => {
    const { client } = await signedInClient(server, { now: clock.now });
    server.route("GET", "/api/x", () => problem(status, code));
    const response = await client.fetch("/api/x");
    expect(response.status).toBe(status);
    expect(server.requests).toHaveLength(1);
    expect(await client.isSignedIn()).toBe(true);
  });

  it("forgets the device key when the server refuses the device", async () => {
    const events: SignedOutEvent[] = [];
    const { client, keyStore, signIn } = await signedInClient(server, {
      now: clock.now,
      onSignedOut: (event) => events.push(event),
    });
    server.route("GET", "/api/x", () => problem(401, "token.invalid"));
    const response = await client.fetch("/api/x");
    expect(response.status).toBe(401);
    expect(await client.isSignedIn()).toBe(false);
    expect(await keyStore.load()).toBeUndefined();
    expect(events).toEqual([{ reason: "revoked", deviceId: signIn.deviceId }]);
  });

  it("keeps the caller's response body readable", async () => {
    const { client } = await signedInClient(server, { now: clock.now });
    server.route("GET", "/api/x", () => problem(401, "auth.invalid_credentials"));
    const response = await client.fetch("/api/x");
    expect(await response.json()).toMatchObject({ code: "auth.invalid_credentials" });
  });

  it("accepts a Request and keeps its method, headers and body", async () => {
    const { client } = await signedInClient(server, { now: clock.now });
    addEchoRoute("PUT", "/api/echo");
    const request = new Request(`${server.url}/api/echo`, {
      method: "PUT",
      headers: { "content-type": "application/json", "x-app": "1" },
      body: JSON.stringify({ a: 1 }),
    });
    const response = await client.fetch(request);
    expect(await response.json()).toMatchObject({ body: { a: 1 } });
    expect(server.requests[0]?.headers["x-app"]).toBe("1");
  });

  it("refuses to send a token to an origin outside apiOrigins", async () => {
    const { client } = await signedInClient(server, { now: clock.now });
    const error = await client.fetch("https://evil.example/steal").catch((e: unknown) => e);
    expect(isKeyshipError(error, "client.untrusted_origin")).toBe(true);
    expect(server.requests).toHaveLength(0);
  });

  it("fails with client.not_signed_in before sign-in", async () => {
    const client = createKeyshipClient({ baseUrl: server.url, keyStore: memoryKeyStore() });
    const error = await client.fetch("/api/x").catch((e: unknown) => e);
    expect(isKeyshipError(error, "client.not_signed_in")).toBe(true);
    expect(server.requests).toHaveLength(0);
  });

  it("fails with client.network_error when nothing listens", async () => {
    const { client } = await signedInClient(server, { now: clock.now });
    await server.close();
    const error = await client.fetch("/api/x").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeyshipError);
    expect((error as KeyshipError).code).toBe("client.network_error");
    expect((error as KeyshipError).status).toBe(0);
    server = await startTestServer(clock.now);
  });
});

describe("client.wsToken", () => {
  it("mints a fresh keyship:ws token every time", async () => {
    const { client } = await signedInClient(server, { now: clock.now });
    const first = await client.wsToken();
    const second = await client.wsToken();
    expect(second).not.toBe(first);
    const request = { method: "GET", path: "/ws", body: undefined };
    const verified = await server.verifyBearer(
      { ...request, headers: { authorization: `Bearer ${first}` } },
      "keyship:ws",
    );
    expect((verified.payload.exp ?? 0) - (verified.payload.iat ?? 0)).toBe(60);
  });
});
