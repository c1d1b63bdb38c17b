/**
 * `DELETE /auth/me` and the admin's `DELETE /admin/api/users/{id}`: a step-up first; the user
 * and every row that references them go in one transaction (every foreign key to `users` is
 * checked, found from the database's own catalogue); their tokens, sessions and API keys are
 * refused on the very next request; the audit log keeps the history without personal data.
 */
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import type { KeyshipApp } from "../../src/app.ts";
import { listAuditEvents } from "../../src/audit/service.ts";
import { ADMIN_EMAILS, newAccount } from "../admin/fixtures.ts";
import { postJson } from "../helpers/app.ts";
import { SoftwareAuthenticator } from "../helpers/authenticator.ts";
import { dialects } from "../helpers/databases.ts";
import {
  codeOf,
  newDeviceKey,
  registerAccount,
  TEST_ORIGIN,
  type TestAccount,
} from "../helpers/passkeys.ts";
import { bearer, loginWithSession } from "../helpers/sessions.ts";
import { authSnapshot } from "../helpers/snapshot.ts";
import { useSuite } from "../helpers/suite.ts";

/** Every column with a foreign key to `users`, read from the database's catalogue. */
async function userReferences(app: KeyshipApp): Promise<Array<{ table: string; column: string }>> {
  const db = app.keyship.db;
  const query =
    app.keyship.dialect === "sqlite"
      ? sql<{ table: string; column: string }>`
          select m.name as "table", p."from" as "column"
          from sqlite_master m join pragma_foreign_key_list(m.name) p
          where m.type = 'table' and p."table" = 'users'`
      : sql<{ table: string; column: string }>`
          select c.conrelid::regclass::text as "table", a.attname as "column"
          from pg_constraint c
          join pg_attribute a on a.attrelid = c.conrelid and a.attnum = any(c.conkey)
          where c.contype = 'f' and c.confrelid = 'users'::regclass`;
  return (await query.execute(db)).rows;
}

/** Rows that still name `userId`, per `table.column` (the foreign keys and impersonator_id). */
async function rowsNaming(app: KeyshipApp, userId: string): Promise<Record<string, number>> {
  const columns = [
    ...(await userReferences(app)),
    { table: "users", column: "id" },
    { table: "sessions", column: "impersonator_id" },
  ];
  const out: Record<string, number> = {};
  for (const { table, column } of columns) {
    const { rows } = await sql<{ n: number | string }>`
      select count(*) as n from ${sql.table(table)} where ${sql.ref(column)} = ${userId}`.execute(
      app.keyship.db,
    );
    out[`${table}.${column}`] = Number(rows[0]?.n);
  }
  return out;
}

const deleteMe = async (app: KeyshipApp, headers: Record<string, string>) =>
  app.request("/auth/me", { method: "DELETE", headers });

const authenticatorOf = () => new SoftwareAuthenticator({ origin: TEST_ORIGIN });

describe.each(dialects)("account deletion on $name", (dialect) => {
  const suite = useSuite(dialect, { passwords: true, bootstrapAdminEmails: ADMIN_EMAILS });

  it("knows the tables that reference users", async () => {
    const tables = (await userReferences(suite.app)).map((r) => r.table);
    expect(tables).toEqual(
      expect.arrayContaining(["passkeys", "devices", "sessions", "step_ups", "api_keys"]),
    );
  });

  it("deletes a passkey user with every credential and refuses their tokens at once", async () => {
    const authenticator = authenticatorOf();
    const account = await registerAccount(suite.app, authenticator, { email: "del@example.com" });
    const session = await loginWithSession(suite.app, authenticator, "bearer");
    await account.stepUp();
    const created = await postJson(
      suite.app,
      "/auth/api-keys",
      { name: "CI" },
      await account.auth(),
    );
    expect(created.status).toBe(201);
    const { key } = (await created.json()) as { key: string };
    // A pending add-passkey ceremony (a challenge row bound to the user).
    expect(
      (await postJson(suite.app, "/auth/passkey/add/start", {}, await account.auth())).status,
    ).toBe(200);
    // A row with the user's user agent.
    await suite.app.request("/auth/me", {
      method: "PATCH",
      headers: {
        ...(await account.auth()),
        "content-type": "application/json",
        "user-agent": "Ada's browser",
      },
      body: JSON.stringify({ displayName: "Ada" }),
    });
    for (const headers of [await account.auth(), bearer(session.accessToken), bearer(key)]) {
      expect((await suite.app.request("/auth/me", { headers })).status).toBe(200);
    }
    const before = await rowsNaming(suite.app, account.userId);
    expect(before["passkeys.user_id"]).toBe(1);
    expect(before["api_keys.user_id"]).toBe(1);

    const res = await deleteMe(suite.app, await account.auth());
    expect(res.status).toBe(204);

    expect(Object.values(await rowsNaming(suite.app, account.userId)).every((n) => n === 0)).toBe(
      true,
    );
    for (const headers of [await account.auth(), bearer(session.accessToken), bearer(key)]) {
      expect((await suite.app.request("/auth/me", { headers })).status).toBe(401);
    }
  });

  it("keeps the audit history without personal data", async () => {
    const account = await newAccount(suite.app, "history@example.com");
    await account.stepUp();
    await suite.app.request("/auth/me", {
      method: "PATCH",
      headers: {
        ...(await account.auth()),
        "content-type": "application/json",
        "user-agent": "Ada's browser",
      },
      body: JSON.stringify({ displayName: "Ada" }),
    });
    expect(
      (await deleteMe(suite.app, { ...(await account.auth()), "user-agent": "Ada's browser" }))
        .status,
    ).toBe(204);

    const { items } = await listAuditEvents(
      { db: suite.app.keyship.db },
      { involving: account.userId },
      { limit: 100 },
    );
    const actions = items.map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        "user.signed_up",
        "passkey.added",
        "device.bound",
        "user.profile_updated",
        "user.deleted",
      ]),
    );
    const deleted = items.find((e) => e.action === "user.deleted");
    expect(deleted).toMatchObject({
      actorId: account.userId,
      targetType: "user",
      targetId: account.userId,
      ip: null,
      userAgent: null,
      data: { by: "self", passkeys: 1, devices: 1, sessions: 0, keys: 0 },
    });
    for (const event of items.filter((e) => e.actorId === account.userId)) {
      expect([event.ip, event.userAgent]).toEqual([null, null]);
    }
    const added = items.find((e) => e.action === "passkey.added");
    expect(added?.data).toEqual({ redacted: true });
    const bound = items.find((e) => e.action === "device.bound");
    expect(bound?.data).not.toHaveProperty("label");
    // Nothing of the person is left in any row: no email, no name, no user agent.
    const { rows } = await sql<{ data: string; user_agent: string | null }>`
      select data, user_agent from audit_events`.execute(suite.app.keyship.db);
    const text = JSON.stringify(rows);
    expect(text).not.toContain("history@example.com");
    expect(text).not.toContain("Ada's browser");
  });

  it("deletes a password user with their emailed tokens and password", async () => {
    const email = "pw-del@example.com";
    const password = "correct horse battery";
    const res = await postJson(suite.app, "/auth/register", {
      email,
      password,
      session: "bearer",
      devicePublicKey: newDeviceKey().publicJwk,
    });
    expect(res.status).toBe(201);
    const { userId, accessToken } = (await res.json()) as { userId: string; accessToken: string };
    expect((await postJson(suite.app, "/auth/password-reset/request", { email })).status).toBe(202);
    const stepUp = await postJson(
      suite.app,
      "/auth/step-up/password",
      { password },
      bearer(accessToken),
    );
    expect(stepUp.status).toBe(200);
    const before = await rowsNaming(suite.app, userId);
    expect(before["email_verifications.user_id"]).toBe(1);
    expect(before["password_resets.user_id"]).toBe(1);
    expect(before["step_ups.user_id"]).toBe(1);

    expect((await deleteMe(suite.app, bearer(accessToken))).status).toBe(204);
    expect(Object.values(await rowsNaming(suite.app, userId)).every((n) => n === 0)).toBe(true);
    expect((await suite.app.request("/auth/me", { headers: bearer(accessToken) })).status).toBe(
      401,
    );
  });

  it("asks for a step-up first and changes nothing until then", async () => {
    const account = await newAccount(suite.app, "nostep@example.com");
    // (devices is left out: a request with a device token touches its last_seen_at)
    const tables = ["users", "passkeys", "sessions", "api_keys", "audit_events"];
    const before = await authSnapshot(suite.app, tables);
    const res = await deleteMe(suite.app, await account.auth());
    expect(res.status).toBe(401);
    expect(await codeOf(res)).toBe("auth.step_up_required");
    expect(await authSnapshot(suite.app, tables)).toBe(before);
  });

  it("refuses anonymous callers and API keys", async () => {
    expect((await deleteMe(suite.app, {})).status).toBe(401);
    const account = await newAccount(suite.app, "apikey-del@example.com");
    await account.stepUp();
    const created = await postJson(
      suite.app,
      "/auth/api-keys",
      { name: "k" },
      await account.auth(),
    );
    const { key } = (await created.json()) as { key: string };
    const res = await deleteMe(suite.app, bearer(key));
    expect(res.status).toBe(403);
    expect(await codeOf(res)).toBe("auth.forbidden");
    expect((await rowsNaming(suite.app, account.userId))["users.id"]).toBe(1);
  });

  it("refuses to delete the last active admin", async () => {
    const admin = await newAccount(suite.app, ADMIN_EMAILS[0] as string);
    await admin.stepUp();
    const res = await deleteMe(suite.app, await admin.auth());
    expect(res.status).toBe(409);
    expect(await codeOf(res)).toBe("user.last_admin");
    expect((await rowsNaming(suite.app, admin.userId))["users.id"]).toBe(1);
  });

  describe("by an admin", () => {
    let admin: TestAccount;
    const adminDelete = async (id: string, as: TestAccount | undefined = admin) =>
      suite.app.request(`/admin/api/users/${id}`, {
        method: "DELETE",
        headers: as === undefined ? {} : await as.auth(),
      });

    it("deletes a user after a step-up, audited with the admin as actor", async () => {
      admin = await newAccount(suite.app, ADMIN_EMAILS[1] as string);
      const user = await newAccount(suite.app, "victim@example.com");
      expect((await adminDelete(user.userId)).status).toBe(401);
      await admin.stepUp();
      expect((await adminDelete(user.userId)).status).toBe(204);
      expect(Object.values(await rowsNaming(suite.app, user.userId)).every((n) => n === 0)).toBe(
        true,
      );
      expect((await suite.app.request("/auth/me", { headers: await user.auth() })).status).toBe(
        401,
      );
      const { items } = await listAuditEvents(
        { db: suite.app.keyship.db },
        { target: user.userId, action: "user.deleted" },
        { limit: 10 },
      );
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({ actorId: admin.userId, data: { by: "admin", passkeys: 1 } });
      expect((await adminDelete(user.userId)).status).toBe(404);
    });

    it("refuses plain users", async () => {
      const user = await newAccount(suite.app, "plain-del@example.com");
      const other = await newAccount(suite.app, "other-del@example.com");
      await user.stepUp();
      expect((await adminDelete(other.userId, user)).status).toBe(403);
      expect((await rowsNaming(suite.app, other.userId))["users.id"]).toBe(1);
    });

    it("ends the impersonation sessions a deleted admin started", async () => {
      const boss = await newAccount(suite.app, "boss@example.com");
      await suite.app.keyship.db
        .updateTable("users")
        .set({ role: "admin" })
        .where("id", "=", boss.userId)
        .execute();
      suite.app.keyship.invalidateUser(boss.userId);
      const target = await newAccount(suite.app, "impersonated@example.com");
      await boss.stepUp();
      const started = await postJson(
        suite.app,
        `/admin/api/users/${target.userId}/impersonate`,
        {},
        await boss.auth(),
      );
      expect(started.status).toBe(201);
      const { accessToken } = (await started.json()) as { accessToken: string };
      expect((await suite.app.request("/auth/me", { headers: bearer(accessToken) })).status).toBe(
        200,
      );
      expect((await adminDelete(boss.userId)).status).toBe(204);
      expect((await rowsNaming(suite.app, boss.userId))["sessions.impersonator_id"]).toBe(0);
      expect((await suite.app.request("/auth/me", { headers: bearer(accessToken) })).status).toBe(
        401,
      );
    });
  });
});
