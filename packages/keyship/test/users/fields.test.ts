/**
 * App-defined user fields end to end: validated at sign-up (passkey and password), answered by
 * `GET /auth/me` and `getUser(c)`, changed by `PATCH /auth/me`; bad values name the field,
 * unknown and admin-only fields are refused, and a refused request writes nothing.
 */
import { z } from "@hono/zod-openapi";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { listAuditEvents } from "../../src/audit/service.ts";
import { KeyshipConfigError } from "../../src/errors.ts";
import { compileUserFields, type UserOptions } from "../../src/users/fields.ts";
import { postJson } from "../helpers/app.ts";
import { SoftwareAuthenticator } from "../helpers/authenticator.ts";
import { dialects } from "../helpers/databases.ts";
import {
  newDeviceKey,
  registerAccount,
  TEST_ORIGIN,
  type TestAccount,
} from "../helpers/passkeys.ts";
import { authSnapshot } from "../helpers/snapshot.ts";
import { useSuite } from "../helpers/suite.ts";

/** The app's fields in these tests. */
export const profileFields = z.object({
  fullName: z.string().trim().min(1).max(100),
  organizationId: z
    .string()
    .regex(/^org_[a-z0-9]+$/)
    .optional(),
  newsletter: z.boolean().default(false),
  tags: z.array(z.string().max(20)).max(5).optional(),
});

type Problem = { code: string; errors?: Array<{ path: string; message: string }> };

const authenticatorOf = () => new SoftwareAuthenticator({ origin: TEST_ORIGIN });

describe.each(dialects)("user fields on $name", (dialect) => {
  const suite = useSuite(dialect, {
    passwords: true,
    user: { fields: profileFields, adminOnly: ["organizationId"] },
  });

  const me = async (account: TestAccount) =>
    (await (
      await suite.app.request("/auth/me", { headers: await account.auth() })
    ).json()) as Record<string, unknown>;

  const patchMe = async (account: TestAccount, body: unknown) =>
    suite.app.request("/auth/me", {
      method: "PATCH",
      headers: { ...(await account.auth()), "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  const signUp = (body: object) => registerAccount(suite.app, authenticatorOf(), body);

  it("stores the fields given at passkey sign-up and answers them in GET /auth/me", async () => {
    const account = await signUp({
      email: "ada@example.com",
      fullName: "Ada Lovelace",
      tags: ["math"],
    });
    expect(await me(account)).toMatchObject({
      id: account.userId,
      email: "ada@example.com",
      fullName: "Ada Lovelace",
      newsletter: false,
      tags: ["math"],
    });
    const row = await suite.app.keyship.db
      .selectFrom("users")
      .select("fields")
      .where("id", "=", account.userId)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(row.fields)).toEqual({
      fullName: "Ada Lovelace",
      newsletter: false,
      tags: ["math"],
    });
  });

  it("stores the fields given at password sign-up", async () => {
    const res = await postJson(suite.app, "/auth/register", {
      email: "grace@example.com",
      password: "correct horse battery",
      fullName: "Grace Hopper",
      newsletter: true,
      devicePublicKey: newDeviceKey().publicJwk,
    });
    expect(res.status).toBe(201);
    const { userId } = (await res.json()) as { userId: string };
    const row = await suite.app.keyship.db
      .selectFrom("users")
      .select("fields")
      .where("id", "=", userId)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(row.fields)).toEqual({ fullName: "Grace Hopper", newsletter: true });
  });

  it.each([
    ["a bad value", { fullName: "" }, "fullName"],
    ["a missing required field", {}, "fullName"],
    ["a wrong type", { fullName: "Ada", newsletter: "yes" }, "newsletter"],
    ["an unknown field", { fullName: "Ada", nickname: "ada" }, "nickname"],
    ["an admin-only field", { fullName: "Ada", organizationId: "org_1" }, "organizationId"],
  ])("refuses %s at passkey sign-up, naming it, and writes nothing", async (_, fields, path) => {
    const before = await authSnapshot(suite.app);
    const res = await postJson(suite.app, "/auth/passkey/register/start", {
      email: "x@example.com",
      ...fields,
    });
    expect(res.status).toBe(400);
    const problem = (await res.json()) as Problem;
    expect(problem.code).toBe("validation.failed");
    expect(problem.errors?.map((e) => e.path)).toContain(path);
    expect(await authSnapshot(suite.app)).toBe(before);
  });

  it.each([
    ["a bad value", { fullName: "x".repeat(101) }, "fullName"],
    ["an unknown field", { fullName: "Ada", nickname: "ada" }, "nickname"],
    ["an admin-only field", { fullName: "Ada", organizationId: "org_1" }, "organizationId"],
  ])("refuses %s at password sign-up and creates no account", async (_, fields, path) => {
    const before = await suite.count("users", "devices", "audit_events");
    const res = await postJson(suite.app, "/auth/register", {
      email: "refused@example.com",
      password: "correct horse battery",
      devicePublicKey: newDeviceKey().publicJwk,
      ...fields,
    });
    expect(res.status).toBe(400);
    const problem = (await res.json()) as Problem;
    expect(problem.code).toBe("validation.failed");
    expect(problem.errors?.map((e) => e.path)).toContain(path);
    expect(await suite.count("users", "devices", "audit_events")).toEqual(before);
  });

  it("changes the display name and fields with PATCH /auth/me, audited by name only", async () => {
    const account = await signUp({ fullName: "Ada" });
    const res = await patchMe(account, {
      displayName: "Countess",
      fullName: "Ada King",
      newsletter: true,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      displayName: "Countess",
      fullName: "Ada King",
      newsletter: true,
    });
    expect(await me(account)).toMatchObject({ displayName: "Countess", fullName: "Ada King" });
    const { items } = await listAuditEvents(
      { db: suite.app.keyship.db },
      { target: account.userId, action: "user.profile_updated" },
      { limit: 10 },
    );
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ actorId: account.userId, targetType: "user" });
    expect(items[0]?.data).toEqual({ changed: ["displayName", "fullName", "newsletter"] });
  });

  it("keeps the fields a PATCH leaves out, and a default does not reset them", async () => {
    const account = await signUp({ fullName: "Ada", newsletter: true, tags: ["a"] });
    expect((await patchMe(account, { tags: ["b"] })).status).toBe(200);
    expect(await me(account)).toMatchObject({ fullName: "Ada", newsletter: true, tags: ["b"] });
  });

  it("removes the display name with null", async () => {
    const account = await signUp({ fullName: "Ada", displayName: "Ada L" });
    expect((await patchMe(account, { displayName: null })).status).toBe(200);
    expect((await me(account)).displayName).toBeNull();
  });

  it("writes nothing for a PATCH that changes nothing", async () => {
    const account = await signUp({ fullName: "Ada" });
    const before = await suite.count("audit_events");
    expect((await patchMe(account, { fullName: "Ada" })).status).toBe(200);
    expect((await patchMe(account, {})).status).toBe(200);
    expect(await suite.count("audit_events")).toEqual(before);
  });

  it.each([
    ["a bad value", { fullName: "" }, "fullName"],
    ["a wrong type", { tags: "a" }, "tags"],
    ["an unknown field", { nickname: "ada" }, "nickname"],
    ["an admin-only field", { organizationId: "org_1" }, "organizationId"],
    ["keyship's own member", { role: "admin" }, "role"],
  ])("refuses %s in PATCH /auth/me, naming it, and changes nothing", async (_, body, path) => {
    const account = await signUp({ fullName: "Ada" });
    const before = await authSnapshot(suite.app, ["users", "audit_events"]);
    const res = await patchMe(account, { displayName: "Changed", ...body });
    expect(res.status).toBe(400);
    const problem = (await res.json()) as Problem;
    expect(problem.code).toBe("validation.failed");
    expect(problem.errors?.map((e) => e.path)).toContain(path);
    expect(await authSnapshot(suite.app, ["users", "audit_events"])).toBe(before);
  });

  it("refuses PATCH /auth/me without a caller", async () => {
    const res = await suite.app.request("/auth/me", {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ fullName: "Eve" }),
    });
    expect(res.status).toBe(401);
  });

  it("reads stored values through the schema: a value that no longer passes is left out", async () => {
    const account = await signUp({ fullName: "Ada" });
    await suite.app.keyship.db
      .updateTable("users")
      .set({ fields: JSON.stringify({ fullName: 42, retired: "gone", organizationId: "org_7" }) })
      .where("id", "=", account.userId)
      .execute();
    const shown = await me(account);
    expect(shown).toMatchObject({ organizationId: "org_7", newsletter: false });
    expect(shown).not.toHaveProperty("fullName");
    expect(shown).not.toHaveProperty("retired");
  });

  it("hands the app its typed user with getUser(c)", async () => {
    const app = suite.app;
    app.get("/test-fields/profile", async (c) => {
      const user = await app.keyship.getUser(c);
      return c.json({ name: user?.fullName ?? null, id: user?.id ?? null });
    });
    const account = await signUp({ fullName: "Typed Ada" });
    const res = await app.request("/test-fields/profile", { headers: await account.auth() });
    expect(await res.json()).toEqual({ name: "Typed Ada", id: account.userId });
    const anonymous = await app.request("/test-fields/profile");
    expect(await anonymous.json()).toEqual({ name: null, id: null });
  });

  it("indexes a field with the expression docs/users.md gives, and finds users by it", async () => {
    const db = suite.app.keyship.db;
    const account = await signUp({ fullName: "Org member" });
    await db
      .updateTable("users")
      .set({ fields: JSON.stringify({ fullName: "Org member", organizationId: "org_42" }) })
      .where("id", "=", account.userId)
      .execute();
    const sqlite = suite.app.keyship.dialect === "sqlite";
    const expression = sqlite
      ? sql.raw("json_extract(fields, '$.organizationId')")
      : sql.raw("((fields::jsonb) ->> 'organizationId')");
    await sql`create index users_organization_id on users (${expression})`.execute(db);
    const { rows } = await sql<{ id: string }>`
      select id from users where ${expression} = ${"org_42"}`.execute(db);
    expect(rows.map((r) => r.id)).toEqual([account.userId]);
  });

  it("shows the app's fields in the OpenAPI document", async () => {
    const doc = (await (await suite.app.request("/openapi.json")).json()) as {
      components: {
        schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }>;
      };
    };
    const { Me, MePatch, PasskeyRegisterStart, PasswordRegister } = doc.components.schemas;
    expect(Object.keys(Me?.properties ?? {})).toEqual(
      expect.arrayContaining(["fullName", "organizationId", "newsletter", "tags", "id"]),
    );
    expect(Object.keys(MePatch?.properties ?? {})).toEqual(
      expect.arrayContaining(["displayName", "fullName", "newsletter"]),
    );
    expect(MePatch?.properties).not.toHaveProperty("organizationId");
    expect(PasskeyRegisterStart?.required).toContain("fullName");
    expect(PasswordRegister?.properties).toHaveProperty("fullName");
  });
});

describe("compileUserFields()", () => {
  it.each([
    ["a reserved name", { fields: z.object({ email: z.string() }) }, '"email"'],
    ["a malformed name", { fields: z.object({ "full name": z.string() }) }, '"full name"'],
    [
      "an unknown adminOnly field",
      { fields: z.object({ a: z.string() }), adminOnly: ["b"] },
      '"b"',
    ],
    ["a value that is not JSON", { fields: z.object({ born: z.date() }) }, "JSON value"],
    [
      "a transform",
      { fields: z.object({ n: z.string().transform((s) => s.length) }) },
      "JSON value",
    ],
  ])("refuses %s at startup", (_, options, text) => {
    expect(() => compileUserFields(options as UserOptions)).toThrow(KeyshipConfigError);
    expect(() => compileUserFields(options as UserOptions)).toThrow(text);
  });

  it("refuses a schema that is not a zod object", () => {
    expect(() => compileUserFields({ fields: z.string() as unknown as z.ZodObject })).toThrow(
      KeyshipConfigError,
    );
  });

  it("compiles no fields to an empty set", () => {
    const fields = compileUserFields();
    expect(fields.names).toEqual([]);
    expect(fields.read('{"stale":1}')).toEqual({});
    expect(fields.read("not json")).toEqual({});
  });
});
