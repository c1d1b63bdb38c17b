/**
 * WebSocket and SSE auth against a real server (`listen()`) with real clients (`ws`, fetch):
 * the handshake's token is checked before the upgrade, device tokens need the WebSocket
 * audience, and open sockets and streams end within about a second once their credential is
 * revoked or their user disabled — also when the change is made straight in the database, as
 * another instance or the CLI would.
 */

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { KeyshipApp } from "../../src/app.ts";
import { listen, type RunningServer } from "../../src/server.ts";
import { generateKeyPair, signUpWithDpop } from "../dpop/helpers.ts";
import { testApp } from "../helpers/app.ts";
import { SoftwareAuthenticator } from "../helpers/authenticator.ts";
import { dialects, type TestDatabase } from "../helpers/databases.ts";
import {
  mintDeviceToken,
  registerAccount,
  TEST_ORIGIN,
  type TestAccount,
} from "../helpers/passkeys.ts";
import { registerWithSession } from "../helpers/sessions.ts";

/** Opens a socket; resolves with it once open, or with the refused handshake's status. */
function connect(url: string, protocols?: string[]): Promise<WebSocket | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols);
    ws.once("open", () => resolve(ws));
    ws.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
    ws.once("error", reject);
  });
}

function nextMessage(ws: WebSocket): Promise<Record<string, unknown>> {
  return new Promise((resolve) => ws.once("message", (data) => resolve(JSON.parse(String(data)))));
}

function closed(ws: WebSocket): Promise<{ code: number; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) =>
    ws.once("close", (code) => resolve({ code, ms: Date.now() - started })),
  );
}

describe.each(dialects)("realtime auth on $name", (dialect) => {
  let target: TestDatabase;
  let app: KeyshipApp;
  let server: RunningServer;
  let account: TestAccount;
  let wsUrl: string;

  beforeAll(async () => {
    target = await dialect.create();
    app = testApp(target.url);
    app.get(
      "/ws",
      app.keyship.authenticatedWebSocket((_c, principal) => ({
        onMessage(event, ws) {
          ws.send(
            JSON.stringify({ userId: principal.userId, via: principal.via, echo: event.data }),
          );
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
    wsUrl = `ws://127.0.0.1:${server.port}/ws`;
    account = await registerAccount(app, new SoftwareAuthenticator({ origin: TEST_ORIGIN }));
  });
  afterAll(async () => {
    await server?.close();
    await target?.drop();
  });

  const wsToken = () =>
    mintDeviceToken(account.deviceKey, account.deviceId, {
      aud: "keyship:ws",
      nowSeconds: Math.floor(Date.now() / 1000),
    });

  it("accepts a device token in the subprotocol and answers with the keyship protocol", async () => {
    const ws = await connect(wsUrl, ["keyship", `keyship-token.${await wsToken()}`]);
    expect(ws).toBeInstanceOf(WebSocket);
    const socket = ws as WebSocket;
    expect(socket.protocol).toBe("keyship");
    socket.send("ping");
    expect(await nextMessage(socket)).toEqual({
      userId: account.userId,
      via: "device",
      echo: "ping",
    });
    socket.close();
  });

  it("accepts ?access_token= and a session's access token", async () => {
    const ws = (await connect(`${wsUrl}?access_token=${await wsToken()}`)) as WebSocket;
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.close();
    const session = await registerWithSession(app, "bearer");
    const viaSession = (await connect(wsUrl, [
      "keyship",
      `keyship-token.${session.body.accessToken}`,
    ])) as WebSocket;
    viaSession.send("x");
    expect(await nextMessage(viaSession)).toMatchObject({ via: "session" });
    viaSession.close();
  });

  it("refuses before the upgrade with 401: no token, a bad one, a device token for HTTP", async () => {
    expect(await connect(wsUrl)).toBe(401);
    expect(await connect(wsUrl, ["keyship", "keyship-token.not-a-token"])).toBe(401);
    const httpToken = await mintDeviceToken(account.deviceKey, account.deviceId, {
      nowSeconds: Math.floor(Date.now() / 1000),
    });
    expect(await connect(wsUrl, ["keyship", `keyship-token.${httpToken}`])).toBe(401);
  });

  it("refuses a DPoP-bound session token: a handshake carries no proof", async () => {
    const bound = await signUpWithDpop(app, await generateKeyPair("ES256"));
    expect(bound.tokenType).toBe("DPoP");
    expect(await connect(wsUrl, ["keyship", `keyship-token.${bound.accessToken}`])).toBe(401);
  });

  it("accepts an API key and closes its socket once the key is revoked", async () => {
    const owner = await registerAccount(app, new SoftwareAuthenticator({ origin: TEST_ORIGIN }));
    await owner.stepUp();
    const created = await app.request("/auth/api-keys", {
      method: "POST",
      headers: { ...(await owner.auth()), "content-type": "application/json" },
      body: JSON.stringify({ name: "socket" }),
    });
    const { key, id } = (await created.json()) as { key: string; id: string };
    const ws = (await connect(wsUrl, ["keyship", `keyship-token.${key}`])) as WebSocket;
    ws.send("k");
    expect(await nextMessage(ws)).toMatchObject({ via: "apikey", userId: owner.userId });
    const end = closed(ws);
    await app.keyship.db
      .updateTable("api_keys")
      .set({ revoked_at: new Date().toISOString() })
      .where("id", "=", id)
      .execute();
    expect((await end).code).toBe(4401);
  });

  it("closes a socket with 4401 within about a second of its device being revoked elsewhere", async () => {
    const ws = (await connect(wsUrl, ["keyship", `keyship-token.${await wsToken()}`])) as WebSocket;
    const end = closed(ws);
    // As another instance or the CLI would: straight in the database, no cache told.
    await app.keyship.db
      .updateTable("devices")
      .set({ revoked_at: new Date().toISOString() })
      .where("id", "=", account.deviceId)
      .execute();
    const { code, ms } = await end;
    expect(code).toBe(4401);
    expect(ms).toBeLessThan(2500);
  });

  it("streams events to a signed-in caller and ends the stream when the user is disabled", async () => {
    const other = await registerAccount(app, new SoftwareAuthenticator({ origin: TEST_ORIGIN }));
    const base = `http://127.0.0.1:${server.port}`;
    expect((await fetch(`${base}/events`)).status).toBe(401);
    const res = await fetch(`${base}/events`, { headers: await other.auth() });
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain(`data: ${other.userId}`);
    const started = Date.now();
    await app.keyship.db
      .updateTable("users")
      .set({ disabled_at: new Date().toISOString() })
      .where("id", "=", other.userId)
      .execute();
    let text = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    expect(text).toContain("event: revoked");
    expect(Date.now() - started).toBeLessThan(2500);
  });
});
