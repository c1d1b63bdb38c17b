/**
 * Every change that affects authentication reaches a second instance on the same database
 * (its own caches, its own feed) without waiting for the cache lifetime: SQLite through the
 * polled table, PostgreSQL through LISTEN/NOTIFY. Changes come from the first instance's
 * routes and from the CLI (`keyship users`, `keyship clients`), which has no server around.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KeyshipApp } from "../../src/app.ts";
import { requireUser } from "../../src/guards/guards.ts";
import { accountWithScopes, bearerKey, createKey, postSteppedUp } from "../apikeys/fixtures.ts";
import { keyship } from "../cli/run.ts";
import { basic, clientToken, oauthPost } from "../clients/helpers.ts";
import { postJson } from "../helpers/app.ts";
import { SoftwareAuthenticator } from "../helpers/authenticator.ts";
import { dialects, type TestDatabase } from "../helpers/databases.ts";
import {
  finishLogin,
  loginAccount,
  newDeviceKey,
  registerAccount,
  startLogin,
  TEST_ORIGIN,
} from "../helpers/passkeys.ts";
import { bearer, registerWithSession } from "../helpers/sessions.ts";
import { eventually, instanceOf, sharedDatabase } from "./instances.ts";

describe.each(dialects)("changes reach another instance on $name", (dialect) => {
  let target: TestDatabase;
  let a: KeyshipApp;
  let b: KeyshipApp;

  beforeAll(async () => {
    target = await sharedDatabase(dialect);
    a = instanceOf(target.url);
    await a.keyship.ready;
    b = instanceOf(target.url);
    await b.keyship.ready;
    b.get("/whoami", requireUser(), (c) => c.json(c.var.principal));
  });
  afterAll(async () => {
    await a?.keyship.close();
    await b?.keyship.close();
    await target?.drop();
  });

  const me = async (app: KeyshipApp, headers: Record<string, string>) =>
    await app.request("/auth/me", { headers });
  const statusOn = async (app: KeyshipApp, headers: Record<string, string>) =>
    (await me(app, headers)).status;
  const refusedOnB = (headers: Record<string, string>) =>
    eventually(async () => (await statusOn(b, headers)) === 401);
  const newAccount = () => registerAccount(a, new SoftwareAuthenticator({ origin: TEST_ORIGIN }));

  it("a device revoked on A is refused by B", async () => {
    const authenticator = new SoftwareAuthenticator({ origin: TEST_ORIGIN });
    const first = await registerAccount(a, authenticator);
    const second = await loginAccount(a, authenticator);
    const headers = await first.auth();
    expect(await statusOn(b, headers)).toBe(200); // B caches the device and the token
    await second.stepUp();
    const res = await a.request(`/auth/devices/${first.deviceId}/revoke`, {
      method: "POST",
      headers: await second.auth(),
    });
    expect(res.status).toBeLessThan(300);
    await refusedOnB(headers);
  });

  it("a session signed out on A is refused by B", async () => {
    const { body } = await registerWithSession(a, "bearer");
    const headers = bearer(body.accessToken);
    expect(await statusOn(b, headers)).toBe(200);
    expect((await postJson(a, "/auth/logout", {}, headers)).status).toBeLessThan(300);
    await refusedOnB(headers);
  });

  it("an API key revoked on A is refused by B", async () => {
    const account = await accountWithScopes(a);
    const key = await createKey(a, account);
    expect(await statusOn(b, bearerKey(key.key))).toBe(200);
    const res = await postSteppedUp(a, account, `/auth/api-keys/${key.id}/revoke`);
    expect(res.status).toBeLessThan(300);
    await refusedOnB(bearerKey(key.key));
  });

  it("a passkey revoked on A cannot sign in on B", async () => {
    const first = new SoftwareAuthenticator({ origin: TEST_ORIGIN });
    const account = await registerAccount(a, first);
    await account.stepUp();
    const start = await postJson(a, "/auth/passkey/add/start", {}, await account.auth());
    const { flowId, options } = (await start.json()) as { flowId: string; options: never };
    const second = new SoftwareAuthenticator({ origin: TEST_ORIGIN });
    const added = await postJson(
      a,
      "/auth/passkey/add/finish",
      { flowId, credential: second.createCredential(options) },
      await account.auth(),
    );
    expect(added.status).toBeLessThan(300);
    const res = await a.request(`/auth/passkeys/${account.passkeyId}/revoke`, {
      method: "POST",
      headers: await account.auth(),
    });
    expect(res.status).toBeLessThan(300);
    const login = await startLogin(b);
    const refused = await finishLogin(
      b,
      login.flowId,
      first.getAssertion(login.options),
      newDeviceKey(),
    );
    expect(refused.status).toBe(401);
  });

  it("a user disabled from the CLI is refused by B and A", async () => {
    const account = await newAccount();
    const headers = await account.auth();
    expect(await statusOn(a, headers)).toBe(200);
    expect(await statusOn(b, headers)).toBe(200);
    expect((await keyship(target.url, "users", "disable", account.userId)).code).toBe(0);
    await refusedOnB(headers);
    await eventually(async () => (await statusOn(a, headers)) === 401);
  });

  it("a role and scopes changed from the CLI are what B answers next", async () => {
    const account = await newAccount();
    const headers = await account.auth();
    const principal = async () =>
      (await (await me(b, headers)).json()) as { role: string; scopes: string[] };
    expect(await principal()).toMatchObject({ role: "user", scopes: [] });
    expect((await keyship(target.url, "users", "promote", account.userId)).code).toBe(0);
    await eventually(async () => (await principal()).role === "admin");
    const scopes = await keyship(target.url, "users", "scopes", "add", account.userId, "docs:read");
    expect(scopes.code).toBe(0);
    await eventually(async () => (await principal()).scopes.includes("docs:read"));
  });

  it("a client deleted from the CLI is refused by B: its tokens and its secret", async () => {
    const name = `feed-${Date.now().toString(36)}`;
    const created = await keyship(
      target.url,
      "clients",
      "create",
      name,
      "--scopes",
      "reports:read",
    );
    expect(created.code).toBe(0);
    const text = created.out.join("\n");
    const id = /client_id:\s+(\S+)/.exec(text)?.[1] as string;
    const secret = /client_secret:\s+(\S+)/.exec(text)?.[1] as string;
    const client = { id, secret };
    const headers = bearer((await clientToken(a, client)).access_token);
    const whoami = async () => (await b.request("/whoami", { headers })).status;
    expect(await whoami()).toBe(200);
    await clientToken(b, client); // B caches the client row
    expect((await keyship(target.url, "clients", "delete", id)).code).toBe(0);
    await eventually(async () => (await whoami()) === 401);
    const grant = await oauthPost(
      b,
      "/auth/oauth/token",
      { grant_type: "client_credentials" },
      { headers: basic(id, secret) },
    );
    expect(grant.status).toBe(401);
  });
});
