import { Hono } from "hono";
import { afterAll, describe, expect, it } from "vitest";
import { requireUser } from "../../src/guards/guards.ts";
import type { KeyshipEnv } from "../../src/http/variables.ts";
import { keyship } from "../../src/keyship.ts";
import { createLogger } from "../../src/observability/logger.ts";
import { postJson } from "../helpers/app.ts";
import { SoftwareAuthenticator } from "../helpers/authenticator.ts";
import { mintDeviceToken, newDeviceKey, TEST_ORIGIN } from "../helpers/passkeys.ts";

describe("keyship() mounted into an existing Hono app", async () => {
  const auth = await keyship({
    databaseUrl: "sqlite::memory:",
    envFile: false,
    processEnv: {},
    logger: createLogger("silent"),
  });
  const app = new Hono<KeyshipEnv>();
  app.route("/auth", auth.routes);
  app.use("/api/*", auth.authenticate());
  app.get("/api/me", requireUser(), (c) => c.json({ userId: c.var.principal?.userId }));
  afterAll(() => auth.close());

  it("exposes routes, authenticate, db, settings and close", () => {
    expect(Object.keys(auth)).toEqual(
      expect.arrayContaining(["routes", "authenticate", "db", "settings", "close"]),
    );
    expect(auth.settings.rpId).toBe("localhost");
  });

  it("runs the passkey flow and protects the app's own routes", async () => {
    const authenticator = new SoftwareAuthenticator({ origin: TEST_ORIGIN });
    const start = (await (await postJson(app, "/auth/passkey/register/start", {})).json()) as {
      flowId: string;
      options: never;
    };
    const deviceKey = newDeviceKey();
    const finish = await postJson(app, "/auth/passkey/register/finish", {
      flowId: start.flowId,
      credential: authenticator.createCredential(start.options),
      devicePublicKey: deviceKey.publicJwk,
    });
    expect(finish.status).toBe(201);
    const { userId, deviceId } = (await finish.json()) as { userId: string; deviceId: string };
    const token = await mintDeviceToken(deviceKey, deviceId);
    const me = await app.request("/api/me", { headers: { authorization: `Bearer ${token}` } });
    expect(await me.json()).toEqual({ userId });
    expect((await app.request("/api/me")).status).toBe(401);
  });

  it("answers a bad token on the app's own routes with a 401 problem, not a 500", async () => {
    const res = await app.request("/api/me", { headers: { authorization: "Bearer not-a-token" } });
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(((await res.json()) as { code: string }).code).toBe("token.invalid");
  });

  it("answers errors of the mounted routes as problem+json", async () => {
    const res = await postJson(app, "/auth/passkey/login/finish", { flowId: "x" });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(res.headers.get("x-trace-id")).toMatch(/^[0-9a-f]{32}$/);
  });
});
