/**
 * The admin API: who may call each route (anonymous 401, user 403, admin without step-up 401
 * on writes), every action audited with the right fields, the last-admin rule, and changes
 * that apply on the very next request (a disabled user, a demoted admin).
 */
import { describe, expect, it } from "vitest";
import { dialects } from "../helpers/databases.ts";
import { codeOf, type TestAccount } from "../helpers/passkeys.ts";
import { useSuite } from "../helpers/suite.ts";
import { ADMIN_CLIENT, ADMIN_EMAILS, eventsOf, get, newAccount, post } from "./fixtures.ts";

const sample = "u0000000000000000000000000000000";
const READS = [
  "/admin/api/overview",
  "/admin/api/users",
  `/admin/api/users/${sample}`,
  "/admin/api/audit",
  "/admin/api/audit/export",
  "/admin/api/impersonation",
  "/admin/api/clients",
];
const WRITES: Array<[string, string]> = [
  ["PATCH", `/admin/api/users/${sample}`],
  ["POST", `/admin/api/users/${sample}/disable`],
  ["POST", `/admin/api/users/${sample}/enable`],
  ["POST", `/admin/api/users/${sample}/revoke-sessions`],
  ["POST", `/admin/api/users/${sample}/impersonate`],
  ["POST", "/admin/api/impersonation/stop"],
  ["POST", `/admin/api/passkeys/k${"0".repeat(31)}/revoke`],
  ["POST", `/admin/api/devices/d${"0".repeat(31)}/revoke`],
  ["POST", `/admin/api/sessions/s${"0".repeat(31)}/revoke`],
  ["POST", "/admin/api/clients"],
  ["POST", `/admin/api/clients/o${"0".repeat(31)}/rotate-secret`],
  ["DELETE", `/admin/api/clients/o${"0".repeat(31)}`],
  ["PATCH", `/admin/api/users/${sample}/profile`],
  ["DELETE", `/admin/api/users/${sample}`],
];

/** A page of the admin API. */
type Page = { items: Array<{ email: string; action: string }>; nextCursor: string | null };

/** The user changes the admin API records. */
const CHANGES = new Set([
  "user.profile_updated",
  "user.deleted",
  "user.role_changed",
  "user.scopes_changed",
  "user.disabled",
  "user.enabled",
]);

describe.each(dialects)("admin API on $name", (dialect) => {
  const suite = useSuite(dialect, { bootstrapAdminEmails: ADMIN_EMAILS });
  let admin: TestAccount;
  let user: TestAccount;

  async function send(account: TestAccount | undefined, method: string, path: string) {
    if (method === "GET") return get(suite.app, account, path);
    const headers = account === undefined ? {} : await account.auth();
    return suite.app.request(path, {
      method,
      headers: { ...headers, "content-type": "application/json" },
      body: "{}",
    });
  }

  it("answers 401 to anonymous callers and 403 to users on every route", async () => {
    admin = await newAccount(suite.app, ADMIN_EMAILS[0] as string);
    user = await newAccount(suite.app, "ada@example.com");
    const routes: Array<[string, string]> = [
      ...READS.map((p) => ["GET", p] as [string, string]),
      ...WRITES,
    ];
    for (const [method, path] of routes) {
      const anonymous = await send(undefined, method, path);
      expect([path, anonymous.status, await codeOf(anonymous)]).toEqual([
        path,
        401,
        "auth.unauthenticated",
      ]);
      const plain = await send(user, method, path);
      expect([path, plain.status, await codeOf(plain)]).toEqual([path, 403, "auth.forbidden"]);
    }
  });

  it("lists every admin route of /openapi.json in this test", async () => {
    const doc = (await (await suite.app.request("/openapi.json")).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith("/admin/api"))
      .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    const tested = [...READS.map((p) => ["GET", p]), ...WRITES].map(
      ([m, p]) => `${m} ${(p as string).replace(/\/[ukdso]0{31}/, "/{id}")}`,
    );
    expect(new Set(tested)).toEqual(new Set(documented));
  });

  it("asks admins to step up before every write and changes nothing", async () => {
    for (const [method, path] of WRITES) {
      const res = await send(admin, method, path);
      expect([path, res.status, await codeOf(res)]).toEqual([path, 401, "auth.step_up_required"]);
    }
    const changes = await eventsOf(suite.app, { actor: admin.userId });
    expect(changes.filter((e) => CHANGES.has(e.action))).toEqual([]);
  });

  it("reads: overview, users with search and pages, a user's page", async () => {
    const overview = await (await get(suite.app, admin, "/admin/api/overview")).json();
    expect(overview).toMatchObject({
      users: { total: 2, admins: 1, disabled: 0 },
      today: { signUps: 2 },
    });
    const page1 = (await (await get(suite.app, admin, "/admin/api/users?limit=1")).json()) as Page;
    expect(page1.items.map((u) => u.email)).toEqual(["ada@example.com"]);
    const page2 = await (
      await get(suite.app, admin, `/admin/api/users?limit=1&cursor=${page1.nextCursor}`)
    ).json();
    expect(page2).toMatchObject({
      items: [{ email: ADMIN_EMAILS[0], role: "admin" }],
      nextCursor: null,
    });
    const found = (await (
      await get(suite.app, admin, "/admin/api/users?q=ADA&role=user&disabled=false")
    ).json()) as Page;
    expect(found.items).toMatchObject([{ id: user.userId, scopes: [], disabled: false }]);
    const detail = await (await get(suite.app, admin, `/admin/api/users/${user.userId}`)).json();
    expect(detail).toMatchObject({
      user: { id: user.userId, email: "ada@example.com" },
      passkeys: [{ id: user.passkeyId, revokedAt: null }],
      devices: [{ id: user.deviceId, revokedAt: null }],
      sessions: [],
    });
    expect((await get(suite.app, admin, `/admin/api/users/${sample}`)).status).toBe(404);
    expect((await get(suite.app, admin, "/admin/api/users?limit=0")).status).toBe(400);
    expect((await get(suite.app, admin, "/admin/api/users?cursor=nope")).status).toBe(400);
  });

  it("changes role and scopes in one audited step, applied on the next request", async () => {
    await admin.stepUp();
    const res = await suite.app.request(`/admin/api/users/${user.userId}`, {
      method: "PATCH",
      headers: { ...(await admin.auth()), ...ADMIN_CLIENT, "content-type": "application/json" },
      body: JSON.stringify({ role: "admin", scopes: ["billing:refund"] }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ role: "admin", scopes: ["billing:refund"] });
    // The promoted user is an admin from their very next request.
    expect((await get(suite.app, user, "/admin/api/overview")).status).toBe(200);
    const rows = await eventsOf(suite.app, { target: user.userId, action: "user.*" });
    expect(
      rows.map((e) => [e.action, e.actorId, e.targetType, e.userAgent, e.traceId, e.data]),
    ).toEqual(
      expect.arrayContaining([
        [
          "user.role_changed",
          admin.userId,
          "user",
          "AdminConsole/1.0",
          "b".repeat(32),
          { from: "user", to: "admin" },
        ],
        [
          "user.scopes_changed",
          admin.userId,
          "user",
          "AdminConsole/1.0",
          "b".repeat(32),
          { from: [], to: ["billing:refund"] },
        ],
      ]),
    );
    // Demoted again: admin rights end on the next request.
    const demote = await suite.app.request(`/admin/api/users/${user.userId}`, {
      method: "PATCH",
      headers: { ...(await admin.auth()), "content-type": "application/json" },
      body: JSON.stringify({ role: "user" }),
    });
    expect(demote.status).toBe(200);
    expect(await codeOf(await get(suite.app, user, "/admin/api/overview"))).toBe("auth.forbidden");
    const bad = await suite.app.request(`/admin/api/users/${user.userId}`, {
      method: "PATCH",
      headers: { ...(await admin.auth()), "content-type": "application/json" },
      body: JSON.stringify({ role: "admin", scopes: ["not a scope"] }),
    });
    expect(bad.status).toBe(400);
    expect(
      (await eventsOf(suite.app, { target: user.userId, action: "user.role_changed" })).length,
    ).toBe(2);
  });

  it("keeps the last active admin: demoting or disabling them answers 409", async () => {
    await admin.stepUp();
    const demote = await suite.app.request(`/admin/api/users/${admin.userId}`, {
      method: "PATCH",
      headers: { ...(await admin.auth()), "content-type": "application/json" },
      body: JSON.stringify({ role: "user" }),
    });
    expect([demote.status, await codeOf(demote)]).toEqual([409, "user.last_admin"]);
    const disable = await post(suite.app, admin, `/admin/api/users/${admin.userId}/disable`);
    expect([disable.status, await codeOf(disable)]).toEqual([409, "user.last_admin"]);
    const changes = await eventsOf(suite.app, { target: admin.userId });
    expect(changes.filter((e) => CHANGES.has(e.action))).toEqual([]);
  });

  it("disables a user: their device fails on its very next request; enabling restores it", async () => {
    await admin.stepUp();
    expect((await get(suite.app, user, "/auth/me")).status).toBe(200);
    const res = await post(suite.app, admin, `/admin/api/users/${user.userId}/disable`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: user.userId, disabled: true });
    expect((await get(suite.app, user, "/auth/me")).status).toBe(401);
    expect((await post(suite.app, admin, `/admin/api/users/${user.userId}/enable`)).status).toBe(
      200,
    );
    expect((await get(suite.app, user, "/auth/me")).status).toBe(200);
    const rows = (await eventsOf(suite.app, { target: user.userId })).filter((e) =>
      CHANGES.has(e.action),
    );
    expect(rows.slice(0, 2).map((e) => [e.action, e.actorId, e.outcome])).toEqual([
      ["user.enabled", admin.userId, "success"],
      ["user.disabled", admin.userId, "success"],
    ]);
  });

  it("revokes a device, a passkey, and everything of a user, each audited", async () => {
    await admin.stepUp();
    const second = await newAccount(suite.app, "bob@example.com");
    const device = await post(suite.app, admin, `/admin/api/devices/${second.deviceId}/revoke`);
    expect(device.status).toBe(204);
    expect((await get(suite.app, second, "/auth/me")).status).toBe(401);
    const passkey = await post(suite.app, admin, `/admin/api/passkeys/${second.passkeyId}/revoke`);
    expect(passkey.status).toBe(204);
    expect(
      (await post(suite.app, admin, `/admin/api/passkeys/k${"9".repeat(31)}/revoke`)).status,
    ).toBe(404);
    const all = await post(suite.app, admin, `/admin/api/users/${user.userId}/revoke-sessions`);
    expect(await all.json()).toEqual({ devices: 1, sessions: 0 });
    expect((await get(suite.app, user, "/auth/me")).status).toBe(401);
    const rows = await eventsOf(suite.app, {
      actor: admin.userId,
      action: "*.revoked".slice(1) === "" ? "" : undefined,
    });
    const revoked = rows.filter((e) => e.action.endsWith(".revoked"));
    expect(revoked.map((e) => [e.action, e.targetId, e.data.by])).toEqual([
      ["device.revoked", user.deviceId, "admin"],
      ["passkey.revoked", second.passkeyId, "admin"],
      ["device.revoked", second.deviceId, "admin"],
    ]);
  });

  it("pages and filters the audit log and exports it as CSV and NDJSON", async () => {
    const page = (await (
      await get(suite.app, admin, `/admin/api/audit?action=user.*&target=${user.userId}&limit=2`)
    ).json()) as Page;
    expect(page.items.map((e) => e.action)).toEqual(["user.enabled", "user.disabled"]);
    expect(page.nextCursor).toEqual(expect.any(String));
    const csv = await get(
      suite.app,
      admin,
      `/admin/api/audit/export?format=csv&target=${user.userId}`,
    );
    expect(csv.headers.get("content-type")).toContain("text/csv");
    expect(csv.headers.get("content-disposition")).toMatch(
      /^attachment; filename="audit-.*\.csv"$/,
    );
    const lines = (await csv.text()).trim().split("\r\n");
    expect(lines[0]).toBe(
      "id,at,action,outcome,actorId,impersonatorId,targetType,targetId,ip,userAgent,traceId,data",
    );
    expect(lines.some((l) => l.includes(",user.disabled,success,"))).toBe(true);
    const ndjson = await get(
      suite.app,
      admin,
      `/admin/api/audit/export?format=ndjson&action=user.disabled`,
    );
    const events = (await ndjson.text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(events).toMatchObject([{ action: "user.disabled", targetId: user.userId }]);
    expect((await get(suite.app, admin, "/admin/api/audit?from=yesterday")).status).toBe(400);
  });
});
