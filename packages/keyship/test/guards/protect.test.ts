/** Route-pattern protection through real requests: order, methods, scopes, default, tricks. */
import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Hono } from "hono";
import { afterAll, describe, expect, it } from "vitest";
import type { KeyshipApp } from "../../src/app.ts";
import type { KeyshipEnv } from "../../src/http/variables.ts";
import { keyship } from "../../src/keyship.ts";
import { createLogger } from "../../src/observability/logger.ts";
import { addUserScopes, promoteUser } from "../../src/users/service.ts";
import { postJson } from "../helpers/app.ts";
import { SoftwareAuthenticator } from "../helpers/authenticator.ts";
import { dialects } from "../helpers/databases.ts";
import { codeOf, registerAccount, TEST_ORIGIN, type TestAccount } from "../helpers/passkeys.ts";
import { useSuite } from "../helpers/suite.ts";

const MASTER = randomBytes(32).toString("base64url");

/** The file holds the example; KEYSHIP_PROTECT adds rules after it. */
function configFile(): string {
  const dir = mkdtempSync(join(tmpdir(), "keyship-protect-"));
  const path = join(dir, "keyship.config.json");
  writeFileSync(
    path,
    JSON.stringify({
      protect: [
        { path: "/internal/status", require: "public" },
        { path: "/internal/*", require: "master" },
        { path: "/api/*", require: "user" },
        { path: "/billing/*", methods: ["POST"], scopes: ["billing:write"] },
        { path: "/ops/*", require: "admin" },
        { path: "/partners/*", require: "apikey" },
        { path: "/machines/*", require: "client" },
      ],
      default: "user",
    }),
  );
  return path;
}

/** Every path answers 200 with its own path when it is reached. */
function addRoutes(app: KeyshipApp | Hono<KeyshipEnv>): void {
  for (const path of [
    "/internal/status",
    "/internal/jobs",
    "/internal",
    "/api/me",
    "/billing/invoices",
    "/ops/stats",
    "/partners/feed",
    "/machines/feed",
    "/elsewhere",
  ]) {
    app.get(path, (c) => c.json({ path, via: c.var.principal?.via ?? null }));
    app.post(path, (c) => c.json({ path, via: c.var.principal?.via ?? null }));
  }
}

describe.each(dialects)("route protection in createApp() on $name", (dialect) => {
  const suite = useSuite(dialect, {
    masterToken: MASTER,
    configFile: configFile(),
    processEnv: { KEYSHIP_PROTECT: JSON.stringify([{ path: "/elsewhere", require: "public" }]) },
  });
  let routesAdded = false;
  function app() {
    if (!routesAdded) {
      routesAdded = true;
      addRoutes(suite.app);
    }
    return suite.app;
  }
  let account: TestAccount | undefined;
  async function user(): Promise<TestAccount> {
    account ??= await registerAccount(
      suite.app,
      new SoftwareAuthenticator({ origin: TEST_ORIGIN }),
    );
    return account;
  }
  const master = { authorization: `Bearer ${MASTER}` };
  const ctx = () => ({ db: suite.app.keyship.db, now: () => new Date() });
  const onUserChanged = (id: string) => suite.app.keyship.invalidateUser(id);

  it.each([
    ["GET", "/internal/jobs", 401, "auth.unauthenticated"],
    ["GET", "/api/me", 401, "auth.unauthenticated"],
    ["POST", "/billing/invoices", 401, "auth.unauthenticated"],
    ["GET", "/ops/stats", 401, "auth.unauthenticated"],
    ["GET", "/partners/feed", 401, "auth.unauthenticated"],
    ["GET", "/unknown/route", 401, "auth.unauthenticated"],
  ])("answers an anonymous %s %s with %i %s", async (method, path, status, code) => {
    const res = await app().request(path, { method });
    expect(res.status).toBe(status);
    expect(await codeOf(res)).toBe(code);
  });

  it.each([
    ["the first matching rule (public before the master rule under it)", "GET", "/internal/status"],
    ["a later source's rule (KEYSHIP_PROTECT)", "GET", "/elsewhere"],
    ["keyship's own routes despite the default", "GET", "/health"],
  ])("lets an anonymous caller through %s", async (_name, method, path) => {
    expect((await app().request(path, { method })).status).toBe(200);
  });

  it("keeps keyship's sign-in open under default: user", async () => {
    const res = await postJson(app(), "/auth/passkey/login/start", {});
    expect(res.status).toBe(200);
  });

  it("covers HEAD with a GET-only rule", async () => {
    const res = await app().request("/ops/stats", { method: "HEAD" });
    expect(res.status).toBe(401);
  });

  it.each([
    "/internal/%6Aobs",
    "/a/../internal/jobs",
    "//internal/jobs",
    "/internal",
    "/internal/",
    "/internal/jobs?x=/internal/status",
  ])("never serves %s to an anonymous caller under /internal/*", async (path) => {
    const res = await app().request(`http://localhost${path}`);
    expect(res.status).toBe(401);
  });

  it("admits the master token on /internal/* and refuses it on user rules", async () => {
    const jobs = await app().request("/internal/jobs", { headers: master });
    expect(await jobs.json()).toEqual({ path: "/internal/jobs", via: "master" });
    const api = await app().request("/api/me", { headers: master });
    expect(api.status).toBe(403);
    expect(await codeOf(api)).toBe("auth.forbidden");
  });

  it("admits a signed-in user on user rules (a cold token), refuses them on master, admin, apikey and client rules", async () => {
    const signedIn = await user();
    expect((await app().request("/api/me", { headers: await signedIn.auth() })).status).toBe(200);
    expect((await app().request("/unknown/route", { headers: await signedIn.auth() })).status).toBe(
      404,
    );
    for (const path of ["/internal/jobs", "/ops/stats", "/partners/feed", "/machines/feed"]) {
      const res = await app().request(path, { headers: await signedIn.auth() });
      expect([path, res.status, await codeOf(res)]).toEqual([path, 403, "auth.forbidden"]);
    }
  });

  it("asks for the rule's scopes on POST /billing/*, listing the missing ones", async () => {
    const signedIn = await user();
    const refused = await app().request("/billing/invoices", {
      method: "POST",
      headers: await signedIn.auth(),
    });
    expect(refused.status).toBe(403);
    expect(refused.headers.get("www-authenticate")).toContain('error="insufficient_scope"');
    expect(await refused.json()).toMatchObject({
      code: "auth.forbidden",
      missing_scopes: ["billing:write"],
    });
    await addUserScopes(ctx(), signedIn.userId, "billing:write", { onUserChanged });
    const allowed = await app().request("/billing/invoices", {
      method: "POST",
      headers: await signedIn.auth(),
    });
    expect(allowed.status).toBe(200);
  });

  it("passes a method the rule does not name on to the next rule (here the default)", async () => {
    expect((await app().request("/billing/invoices")).status).toBe(401);
    const fresh = await registerAccount(
      suite.app,
      new SoftwareAuthenticator({ origin: TEST_ORIGIN }),
    );
    const res = await app().request("/billing/invoices", { headers: await fresh.auth() });
    expect(res.status).toBe(200);
  });

  it("admits an admin on require: admin", async () => {
    const signedIn = await user();
    await promoteUser(ctx(), signedIn.userId, { onUserChanged });
    expect((await app().request("/ops/stats", { headers: await signedIn.auth() })).status).toBe(
      200,
    );
  });

  it("answers a refused token with its own problem on a protected route", async () => {
    const res = await app().request("/api/me", { headers: { authorization: "Bearer nope" } });
    expect(res.status).toBe(401);
    expect(await codeOf(res)).toBe("token.invalid");
  });
});

describe("keyship().protect() in an existing Hono app", async () => {
  const auth = await keyship({
    databaseUrl: "sqlite::memory:",
    envFile: false,
    processEnv: {},
    logger: createLogger("silent"),
    masterToken: MASTER,
    protect: [
      { path: "/auth/*", require: "public" },
      { path: "/internal/*", require: "master" },
    ],
  });
  const app = new Hono<KeyshipEnv>();
  app.use("*", auth.authenticate(), auth.protect());
  app.route("/auth", auth.routes);
  addRoutes(app);
  afterAll(() => auth.close());

  it("applies the rules to the app's routes", async () => {
    expect((await app.request("/internal/jobs")).status).toBe(401);
    const res = await app.request("/internal/jobs", { headers: { "x-master-token": MASTER } });
    expect(await res.json()).toEqual({ path: "/internal/jobs", via: "master" });
    expect((await app.request("/elsewhere")).status).toBe(200);
  });

  it("returns one middleware per instance", () => {
    expect(auth.protect()).toBe(auth.protect());
  });
});
