/**
 * authenticate() over Node's HTTP server: served by @hono/node-server, keyship reads the
 * Authorization header from Node's parsed request and answers warm tokens from its caches
 * without awaiting, so these check that path end to end (in-process tests use app.request()).
 */
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KeyshipApp } from "../../src/app.ts";
import { requireUser } from "../../src/guards/guards.ts";
import { listen, type RunningServer } from "../../src/server.ts";
import { testApp } from "../helpers/app.ts";
import { SoftwareAuthenticator } from "../helpers/authenticator.ts";
import { clockOf } from "../helpers/clock.ts";
import {
  mintDeviceToken,
  registerAccount,
  TEST_ORIGIN,
  type TestAccount,
} from "../helpers/passkeys.ts";
import { cookieHeader, registerWithSession } from "../helpers/sessions.ts";

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Record<string, unknown>;
}

describe("authenticate() over Node's HTTP server", () => {
  let app: KeyshipApp;
  let server: RunningServer;
  let account: TestAccount;

  /** GET `path`; header values given as lists go on the wire as repeated fields. */
  function get(path: string, headers: Record<string, string | string[]> = {}): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = request(
        { host: "127.0.0.1", port: server.port, path, method: "GET", headers },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => {
            text += chunk;
          });
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(text) }),
          );
        },
      );
      req.on("error", reject);
      req.end();
    });
  }

  beforeAll(async () => {
    app = testApp("sqlite::memory:");
    app.get("/whoami", requireUser(), (c) => c.json({ userId: c.var.principal?.userId }));
    account = await registerAccount(app, new SoftwareAuthenticator({ origin: TEST_ORIGIN }));
    server = await listen(app, { port: 0, hostname: "127.0.0.1", handleSignals: false });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("accepts a device token, cold and then from the cache, with one trace id each", async () => {
    const headers = await account.auth();
    const cold = await get("/whoami", headers);
    const warm = await get("/whoami", headers);
    for (const answer of [cold, warm]) {
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ userId: account.userId });
      expect(answer.headers["x-trace-id"]).toMatch(/^[0-9a-f]{32}$/);
    }
    expect(warm.headers["x-trace-id"]).not.toBe(cold.headers["x-trace-id"]);
  });

  it("refuses two Authorization fields instead of judging by the first", async () => {
    const token = await mintDeviceToken(account.deviceKey, account.deviceId, {
      clock: clockOf(app),
    });
    expect((await get("/whoami", { authorization: `Bearer ${token}` })).status).toBe(200);
    const twice = await get("/whoami", { authorization: [`Bearer ${token}`, "Bearer other"] });
    expect(twice.status).toBe(401);
    expect(twice.body.code).toBe("token.invalid");
  });

  it("continues an incoming X-Trace-Id and puts it in the problem body", async () => {
    const id = "4bf92f3577b34da6a3ce929d0e0e4736";
    const answer = await get("/whoami", { "x-trace-id": id });
    expect(answer.status).toBe(401);
    expect(answer.headers["x-trace-id"]).toBe(id);
    expect(answer.body.trace_id).toBe(id);
  });

  it("accepts a cookie session, cold and warm, and treats no cookie as anonymous", async () => {
    const { cookies } = await registerWithSession(app, "cookie");
    const cookie = cookieHeader(cookies);
    for (let i = 0; i < 2; i++) {
      const answer = await get("/whoami", { cookie });
      expect(answer.status).toBe(200);
      expect(answer.body.userId).toMatch(/^u/);
    }
    expect((await get("/whoami", { cookie: "unrelated=1" })).status).toBe(401);
    expect((await get("/whoami")).body.code).toBe("auth.unauthenticated");
  });

  it("refuses a warm token on the request after its device is revoked", async () => {
    const second = await registerAccount(app, new SoftwareAuthenticator({ origin: TEST_ORIGIN }));
    const headers = await second.auth();
    expect((await get("/whoami", headers)).status).toBe(200);
    const revoked = await app.request("/auth/logout", { method: "POST", headers });
    expect(revoked.status).toBe(204);
    const after = await get("/whoami", headers);
    expect(after.status).toBe(401);
    expect(after.body.code).toBe("token.revoked");
  });
});
