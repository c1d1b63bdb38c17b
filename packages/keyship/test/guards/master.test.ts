import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import { afterAll, describe, expect, it, vi } from "vitest";
import { loadSettings } from "../../src/config/load.ts";
import { KeyshipConfigError } from "../../src/errors.ts";
import { requireAdmin, requireMaster, requireUser } from "../../src/guards/guards.ts";
import { createLogger } from "../../src/observability/logger.ts";
import { promoteUser } from "../../src/users/service.ts";
import { eventsOf, traced } from "../audit/helpers.ts";
import { testApp } from "../helpers/app.ts";
import { SoftwareAuthenticator } from "../helpers/authenticator.ts";
import { dialects } from "../helpers/databases.ts";
import { codeOf, registerAccount, TEST_ORIGIN } from "../helpers/passkeys.ts";
import { useSuite } from "../helpers/suite.ts";

const MASTER = randomBytes(32).toString("base64url");

describe.each(dialects)("the master token on $name", (dialect) => {
  const suite = useSuite(dialect, { masterToken: MASTER });
  let routesAdded = false;
  function app() {
    const a = suite.app;
    if (!routesAdded) {
      routesAdded = true;
      a.get("/internal/jobs", requireMaster(), (c) => c.json(c.var.principal));
      a.get("/t/user", requireUser(), (c) => c.text("user"));
      a.get("/t/admin", requireAdmin(), (c) => c.text("admin"));
      a.get("/t/public", (c) => c.json({ principal: c.var.principal }));
    }
    return a;
  }
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  it.each([
    ["Authorization: Bearer", bearer(MASTER)],
    ["X-Master-Token", { "x-master-token": MASTER }],
  ])("admits the master token sent as %s, with a master principal", async (_how, headers) => {
    const res = await app().request("/internal/jobs", { headers });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ userId: "master", role: "user", scopes: [], via: "master" });
  });

  it("answers 401 auth.unauthenticated without a credential", async () => {
    const res = await app().request("/internal/jobs");
    expect(res.status).toBe(401);
    expect(await codeOf(res)).toBe("auth.unauthenticated");
  });

  it.each([
    ["a wrong token", MASTER.replace(/^./, (ch) => (ch === "A" ? "B" : "A"))],
    ["a prefix of it", MASTER.slice(0, -1)],
    ["it with one more character", `${MASTER}x`],
    [
      "it in another case",
      MASTER.toUpperCase() === MASTER ? MASTER.toLowerCase() : MASTER.toUpperCase(),
    ],
    ["it twice (a repeated header)", `${MASTER}, ${MASTER}`],
  ])("refuses %s in X-Master-Token with 401 token.invalid", async (_name, value) => {
    const res = await app().request("/internal/jobs", { headers: { "x-master-token": value } });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
    expect(await codeOf(res)).toBe("token.invalid");
  });

  it.each([
    ["a wrong token", "x".repeat(43)],
    ["a prefix of it", MASTER.slice(0, 20)],
    ["it with a dot (JWT-shaped)", `${MASTER}.a.b`],
  ])("refuses %s as a bearer with 401 token.invalid", async (_name, token) => {
    const res = await app().request("/internal/jobs", { headers: bearer(token) });
    expect(res.status).toBe(401);
    expect(await codeOf(res)).toBe("token.invalid");
  });

  it("lets a public route answer despite a wrong master token", async () => {
    const res = await app().request("/t/public", { headers: { "x-master-token": "nope" } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ principal: null });
  });

  it.each(["/t/user", "/t/admin", "/auth/me", "/admin/api/users"])(
    "refuses the master token on %s (user and admin guards) with 403",
    async (path) => {
      const res = await app().request(path, { headers: bearer(MASTER) });
      expect(res.status).toBe(403);
      expect(await codeOf(res)).toBe("auth.forbidden");
    },
  );

  it("refuses signed-in users, admins included, on requireMaster() with 403", async () => {
    const account = await registerAccount(
      suite.app,
      new SoftwareAuthenticator({ origin: TEST_ORIGIN }),
    );
    const user = await app().request("/internal/jobs", { headers: await account.auth() });
    expect(user.status).toBe(403);
    await promoteUser({ db: suite.app.keyship.db, now: () => new Date() }, account.userId, {
      onUserChanged: (id) => suite.app.keyship.invalidateUser(id),
    });
    const admin = await app().request("/internal/jobs", { headers: await account.auth() });
    expect(admin.status).toBe(403);
    expect(await codeOf(admin)).toBe("auth.forbidden");
  });

  it("ignores X-Master-Token beside an Authorization header: the header alone decides", async () => {
    const account = await registerAccount(
      suite.app,
      new SoftwareAuthenticator({ origin: TEST_ORIGIN }),
    );
    const headers = { ...(await account.auth()), "x-master-token": MASTER };
    expect((await app().request("/internal/jobs", { headers })).status).toBe(403);
    expect((await app().request("/t/user", { headers })).status).toBe(200);
  });

  it("audits every use as master.used with the method and path, never the token", async () => {
    const first = traced();
    const second = traced();
    await app().request("/internal/jobs", { headers: { ...first.headers, ...bearer(MASTER) } });
    await app().request("/t/public?q=1", {
      headers: { ...second.headers, "x-master-token": MASTER },
    });
    for (const { traceId } of [first, second]) {
      await vi.waitFor(async () => expect(await eventsOf(suite.app, traceId)).toHaveLength(1));
    }
    const [used] = await eventsOf(suite.app, first.traceId);
    expect(used).toMatchObject({
      action: "master.used",
      outcome: "success",
      actorId: "master",
      data: { header: "authorization", method: "GET", path: "/internal/jobs" },
    });
    const [again] = await eventsOf(suite.app, second.traceId);
    expect(again?.data).toEqual({ header: "x-master-token", method: "GET", path: "/t/public" });
    const rows = await suite.app.keyship.db.selectFrom("audit_events").select("data").execute();
    expect(JSON.stringify(rows)).not.toContain(MASTER);
  });

  it("writes no row for a refused master token", async () => {
    const trace = traced();
    await app().request("/internal/jobs", {
      headers: { ...trace.headers, "x-master-token": "no" },
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(await eventsOf(suite.app, trace.traceId)).toEqual([]);
  });
});

describe("without a master token", () => {
  const app = testApp("sqlite::memory:");
  app.get("/internal/jobs", requireMaster(), (c) => c.text("jobs"));
  app.get("/t/public", (c) => c.text("public"));
  afterAll(() => app.keyship.close());

  it("ignores X-Master-Token: requireMaster() answers 401 and public routes answer", async () => {
    const headers = { "x-master-token": MASTER };
    const res = await app.request("/internal/jobs", { headers });
    expect(res.status).toBe(401);
    expect(await codeOf(res)).toBe("auth.unauthenticated");
    expect((await app.request("/t/public", { headers })).status).toBe(200);
  });
});

describe("when the master.used row cannot be written", () => {
  const lines: string[] = [];
  const app = testApp("sqlite::memory:", {
    masterToken: MASTER,
    logger: createLogger("warn", { destination: { write: (line) => lines.push(line) } }),
  });
  app.get("/internal/jobs", requireMaster(), (c) => c.text("jobs"));
  afterAll(() => app.keyship.close());

  it("still answers the request and logs the failure", async () => {
    await app.keyship.ready;
    await sql`drop table audit_events`.execute(app.keyship.db);
    const res = await app.request("/internal/jobs", { headers: { "x-master-token": MASTER } });
    expect(res.status).toBe(200);
    await vi.waitFor(() => expect(lines.join("")).toContain("master.used could not be audited"));
    expect(lines.join("")).not.toContain(MASTER);
  });
});

describe("master token settings", () => {
  const production = {
    KEYSHIP_ENV: "production",
    KEYSHIP_RP_ID: "example.com",
    KEYSHIP_ORIGIN: "https://example.com",
    KEYSHIP_DATABASE_URL: "postgres://db/keyship",
    KEYSHIP_SESSION_SECRET: "s".repeat(32),
  };
  const load = (env: Record<string, string>) => loadSettings({ env, envFile: false });
  const problemsOf = (env: Record<string, string>): readonly string[] => {
    try {
      load(env);
      return [];
    } catch (error) {
      if (!(error instanceof KeyshipConfigError)) throw error;
      return error.problems;
    }
  };

  it.each([
    ["32 random bytes, base64url (keygen --type secret)", randomBytes(32).toString("base64url")],
    ["32 random bytes, hex (openssl rand -hex 32)", randomBytes(32).toString("hex")],
    ["32 random bytes, base64", randomBytes(32).toString("base64")],
  ])("accepts %s in production", (_name, token) => {
    expect(load({ ...production, KEYSHIP_MASTER_TOKEN: token }).settings.masterToken).toBe(token);
  });

  it.each([
    ["24 random bytes", randomBytes(24).toString("base64url")],
    ["a 40-character hex token", randomBytes(20).toString("hex")],
    ["a repeated word", "master".repeat(10)],
    ["a long single character", "a".repeat(200)],
    ["lower-case letters only, 43 of them", "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopq"],
  ])("refuses %s in production, naming the variable but not the token", (_name, token) => {
    const problems = problemsOf({ ...production, KEYSHIP_MASTER_TOKEN: token });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^KEYSHIP_MASTER_TOKEN looks weak/);
    expect(problems[0]).not.toContain(token);
  });

  it("warns about a weak token in development instead", () => {
    const { warnings } = load({ KEYSHIP_MASTER_TOKEN: "master".repeat(4) });
    expect(warnings.filter((w) => w.startsWith("KEYSHIP_MASTER_TOKEN looks weak"))).toHaveLength(1);
  });

  it.each([
    ["a dot", `${randomBytes(32).toString("base64url")}.x`],
    ["a space", `${randomBytes(16).toString("base64url")} x`],
    ["fewer than 16 characters", "abcdefghij"],
  ])("refuses a token with %s in every environment", (_name, token) => {
    const problems = problemsOf({ KEYSHIP_MASTER_TOKEN: token });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^KEYSHIP_MASTER_TOKEN is not valid/);
  });
});
