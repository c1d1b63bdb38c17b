/**
 * Client access tokens on resource routes: the principal is `via: "client"` with the token's
 * scopes (never beyond the client's), `requireScopes()` applies, and deleting a client or
 * rotating its secret (admin API or CLI path) refuses its tokens on the next request.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { CLI_SOURCE } from "../../src/audit/model.ts";
import { deleteClient } from "../../src/clients/manage.ts";
import { requireScopes, requireUser } from "../../src/guards/guards.ts";
import { newId } from "../../src/ids.ts";
import { ADMIN_EMAILS, eventsOf, newAccount, post } from "../admin/fixtures.ts";
import { clockOf } from "../helpers/clock.ts";
import { dialects } from "../helpers/databases.ts";
import { codeOf, type TestAccount } from "../helpers/passkeys.ts";
import { bearer, registerWithSession } from "../helpers/sessions.ts";
import { useSuite } from "../helpers/suite.ts";
import { basic, clientToken, oauthErrorOf, oauthPost, registerClient } from "./helpers.ts";

describe.each(dialects)("client tokens on resource routes on $name", (dialect) => {
  const suite = useSuite(dialect, { bootstrapAdminEmails: ADMIN_EMAILS });
  let admin: TestAccount;
  beforeAll(async () => {
    suite.app.get("/whoami", requireUser(), (c) => c.json(c.var.principal));
    suite.app.get("/invoices", requireScopes("invoices:read"), (c) => c.json({ ok: true }));
    suite.app.post("/invoices", requireScopes("invoices:write"), (c) => c.json({ ok: true }));
    admin = await newAccount(suite.app, ADMIN_EMAILS[0] as string);
  });
  const whoami = (token: string) => suite.app.request("/whoami", { headers: bearer(token) });
  const invoices = (token: string, method = "GET") =>
    suite.app.request("/invoices", { method, headers: bearer(token) });

  it("authenticates the client as the principal via client, with the token's scopes", async () => {
    const client = await registerClient(suite.app, { scopes: ["invoices:read", "invoices:write"] });
    const { access_token } = await clientToken(suite.app, client, { scope: "invoices:read" });
    const res = await whoami(access_token);
    expect(await res.json()).toEqual({
      userId: client.id,
      role: "user",
      scopes: ["invoices:read"],
      via: "client",
    });
  });

  it("passes requireScopes() with the scope, and refuses without it", async () => {
    const client = await registerClient(suite.app);
    const { access_token } = await clientToken(suite.app, client, { scope: "invoices:read" });
    expect((await invoices(access_token)).status).toBe(200);
    const refused = await invoices(access_token, "POST");
    expect([refused.status, await codeOf(refused)]).toEqual([403, "auth.forbidden"]);
    expect(refused.headers.get("www-authenticate")).toContain('error="insufficient_scope"');
  });

  it("answers the same warm as cold (the second request is a cache hit)", async () => {
    const client = await registerClient(suite.app);
    const { access_token } = await clientToken(suite.app, client);
    const first = await (await whoami(access_token)).json();
    expect(await (await whoami(access_token)).json()).toEqual(first);
  });

  it.each([
    ["GET", "/auth/sessions"],
    ["GET", "/auth/devices"],
    ["GET", "/auth/passkeys"],
    ["POST", "/auth/logout"],
    ["POST", "/auth/logout-all"],
  ])("refuses a client on the account route %s %s with auth.forbidden", async (method, path) => {
    const client = await registerClient(suite.app);
    const { access_token } = await clientToken(suite.app, client);
    const res = await suite.app.request(path, {
      method,
      headers: { ...bearer(access_token), "content-type": "application/json" },
      ...(method === "POST" ? { body: "{}" } : {}),
    });
    expect([res.status, await codeOf(res)]).toEqual([403, "auth.forbidden"]);
  });

  it("leaves user access tokens to the session verifier", async () => {
    const { body } = await registerWithSession(suite.app, "bearer");
    const res = await whoami(body.accessToken as string);
    expect(await res.json()).toMatchObject({ via: "session", userId: body.userId });
  });

  it("refuses an expired client token with token.expired", async () => {
    const client = await registerClient(suite.app);
    const { access_token } = await clientToken(suite.app, client);
    suite.clock.advance(16 * 60 * 1000);
    const res = await whoami(access_token);
    expect([res.status, await codeOf(res)]).toEqual([401, "token.expired"]);
  });

  it("refuses every token of a client deleted through the admin API, on the next request", async () => {
    const client = await registerClient(suite.app);
    const { access_token } = await clientToken(suite.app, client);
    expect((await whoami(access_token)).status).toBe(200); // warm in the cache
    await admin.stepUp();
    const headers = { ...(await admin.auth()), "content-type": "application/json" };
    const deleted = await suite.app.request(`/admin/api/clients/${client.id}`, {
      method: "DELETE",
      headers,
    });
    expect(deleted.status).toBe(204);
    const res = await whoami(access_token);
    expect([res.status, await codeOf(res)]).toEqual([401, "token.revoked"]);
    const grant = await oauthPost(
      suite.app,
      "/auth/oauth/token",
      { grant_type: "client_credentials" },
      { headers: basic(client.id, client.secret) },
    );
    expect((await oauthErrorOf(grant)).error).toBe("invalid_client");
  });

  it("refuses the tokens of a client deleted by another process once its cache entry expires", async () => {
    const client = await registerClient(suite.app);
    const { access_token } = await clientToken(suite.app, client);
    expect((await whoami(access_token)).status).toBe(200);
    // The CLI's way: the database only, no revocation list of this process.
    const cli = { db: suite.app.keyship.db, now: clockOf(suite.app).now, newId };
    await deleteClient(cli, CLI_SOURCE, client.id);
    suite.clock.advance(31_000); // authCacheTtlSeconds
    const res = await whoami(access_token);
    expect([res.status, await codeOf(res)]).toEqual([401, "token.revoked"]);
  });

  it("refuses grants to a client deleted by another process once its cache entry expires", async () => {
    const client = await registerClient(suite.app);
    await clientToken(suite.app, client); // the grant caches the client's row
    const cli = { db: suite.app.keyship.db, now: clockOf(suite.app).now, newId };
    await deleteClient(cli, CLI_SOURCE, client.id);
    suite.clock.advance(31_000); // authCacheTtlSeconds
    const grant = await oauthPost(
      suite.app,
      "/auth/oauth/token",
      { grant_type: "client_credentials" },
      { headers: basic(client.id, client.secret) },
    );
    expect((await oauthErrorOf(grant)).error).toBe("invalid_client");
  });

  it("rotating the secret refuses the old secret and the old tokens, not the new ones", async () => {
    const client = await registerClient(suite.app);
    const old = await clientToken(suite.app, client);
    expect((await whoami(old.access_token)).status).toBe(200);
    await admin.stepUp();
    const res = await post(suite.app, admin, `/admin/api/clients/${client.id}/rotate-secret`);
    const { clientSecret } = (await res.json()) as { clientSecret: string };
    expect([res.status, clientSecret]).toEqual([200, expect.stringMatching(/^kss_/)]);
    expect(await codeOf(await whoami(old.access_token))).toBe("token.revoked");
    const refused = await oauthPost(
      suite.app,
      "/auth/oauth/token",
      { grant_type: "client_credentials" },
      { headers: basic(client.id, client.secret) },
    );
    expect((await oauthErrorOf(refused)).error).toBe("invalid_client");
    const fresh = await clientToken(suite.app, { id: client.id, secret: clientSecret });
    expect((await whoami(fresh.access_token)).status).toBe(200);
  });

  it("audits a wrong secret of a known client once per minute", async () => {
    const client = await registerClient(suite.app);
    const wrong = basic(client.id, `kss_${"C".repeat(43)}`);
    for (let i = 0; i < 3; i++) {
      await oauthPost(
        suite.app,
        "/auth/oauth/token",
        { grant_type: "client_credentials" },
        { headers: wrong },
      );
    }
    const failures = async () =>
      (await eventsOf(suite.app, { target: client.id })).filter(
        (e) => e.action === "client.auth_failed",
      );
    expect(await failures()).toEqual([
      expect.objectContaining({
        outcome: "failure",
        targetType: "client",
        data: { method: "client_secret_basic", endpoint: "token" },
      }),
    ]);
    suite.clock.advance(61_000);
    await oauthPost(
      suite.app,
      "/auth/oauth/token",
      { grant_type: "client_credentials" },
      { headers: wrong },
    );
    expect(await failures()).toHaveLength(2);
  });

  it("never writes to the database to issue a client-credentials token", async () => {
    const client = await registerClient(suite.app);
    await clientToken(suite.app, client); // the first grant may warm caches
    const before = await suite.count("audit_events", "client_sessions", "oauth_clients");
    await clientToken(suite.app, client);
    expect(await suite.count("audit_events", "client_sessions", "oauth_clients")).toEqual(before);
  });
});
