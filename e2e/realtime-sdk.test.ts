/**
 * The SDK's realtime methods against a real keyship server on loopback (in Node, without a
 * browser): `openWebSocket()` offers the device token in the subprotocol list and
 * `openEventStream()` reads an authenticated SSE route with `fetch`.
 */
import { createKeyshipClient, memoryKeyStore } from "@keyship/client";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { KeyshipApp } from "../packages/keyship/src/app.ts";
import { listen, type RunningServer } from "../packages/keyship/src/server.ts";
import { testApp } from "../packages/keyship/test/helpers/app.ts";
import { SoftwareAuthenticator } from "../packages/keyship/test/helpers/authenticator.ts";
import { registerAccount, TEST_ORIGIN } from "../packages/keyship/test/helpers/passkeys.ts";

let app: KeyshipApp;
let server: RunningServer;

beforeAll(async () => {
  app = testApp("sqlite::memory:");
  app.get(
    "/ws",
    app.keyship.authenticatedWebSocket((_c, principal) => ({
      onMessage(event, ws) {
        ws.send(JSON.stringify({ userId: principal.userId, via: principal.via, echo: event.data }));
      },
    })),
  );
  app.get("/events", (c) =>
    app.keyship.authenticatedStream(c, async (stream, principal, signal) => {
      await stream.writeSSE({ event: "hello", data: principal.userId });
      await new Promise((resolve) => signal.addEventListener("abort", resolve));
    }),
  );
  server = await listen(app, { port: 0, hostname: "127.0.0.1", handleSignals: false });
});
afterAll(() => server?.close());

it("the SDK's openWebSocket() and openEventStream() connect with the device's key", async () => {
  const holder = await registerAccount(app, new SoftwareAuthenticator({ origin: TEST_ORIGIN }));
  const keyStore = memoryKeyStore();
  const algorithm = { name: "ECDSA", namedCurve: "P-256" } as const;
  await keyStore.save({
    deviceId: holder.deviceId,
    keyPair: {
      privateKey: await crypto.subtle.importKey(
        "jwk",
        holder.deviceKey.privateKey.export({ format: "jwk" }) as JsonWebKey,
        algorithm,
        false,
        ["sign"],
      ),
      publicKey: await crypto.subtle.importKey("jwk", holder.deviceKey.publicJwk, algorithm, true, [
        "verify",
      ]),
    },
  });
  const base = `http://127.0.0.1:${server.port}`;
  const client = createKeyshipClient({ baseUrl: base, keyStore });
  const socket = await client.openWebSocket("/ws");
  const reply = await new Promise<string>((resolve, reject) => {
    socket.addEventListener("open", () => socket.send("hi"));
    socket.addEventListener("message", (event) => resolve(String(event.data)));
    socket.addEventListener("error", () => reject(new Error("socket error")));
  });
  expect(JSON.parse(reply)).toEqual({ userId: holder.userId, via: "device", echo: "hi" });
  expect(socket.protocol).toBe("keyship");
  socket.close();
  const stream = await client.openEventStream("/events");
  for await (const event of stream) {
    expect(event).toEqual({ event: "hello", data: holder.userId, id: undefined });
    break;
  }
  stream.close();
  await expect(client.openWebSocket("http://elsewhere.example/ws")).rejects.toMatchObject({
    code: "client.untrusted_origin",
  });
});
