/**
 * The admin's side of app-defined user fields: a user's page carries the fields as JSON Schema
 * and names the `adminOnly` ones (the console draws its form from them), and
 * `PATCH /admin/api/users/{id}/profile` sets any field, `adminOnly` ones included, audited;
 * a bad or unknown field is refused naming it, and nothing is written.
 */
import { z } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { SoftwareAuthenticator } from "../helpers/authenticator.ts";
import { dialects } from "../helpers/databases.ts";
import { registerAccount, TEST_ORIGIN, type TestAccount } from "../helpers/passkeys.ts";
import { authSnapshot } from "../helpers/snapshot.ts";
import { useSuite } from "../helpers/suite.ts";
import { ADMIN_EMAILS, eventsOf, get } from "./fixtures.ts";

const fields = z.object({
  fullName: z.string().trim().min(1).max(100),
  plan: z.enum(["free", "pro"]).optional(),
  organizationId: z
    .string()
    .regex(/^org_[a-z0-9]+$/)
    .optional(),
});

type Problem = { code: string; errors?: Array<{ path: string }> };

describe.each(dialects)("admin profile of a user on $name", (dialect) => {
  const suite = useSuite(dialect, {
    bootstrapAdminEmails: ADMIN_EMAILS,
    user: { fields, adminOnly: ["organizationId"] },
  });
  let admin: TestAccount;
  let user: TestAccount;

  const signUp = (email: string) =>
    registerAccount(suite.app, new SoftwareAuthenticator({ origin: TEST_ORIGIN }), {
      email,
      fullName: email.split("@")[0],
    });
  const patchProfile = async (body: unknown) =>
    suite.app.request(`/admin/api/users/${user.userId}/profile`, {
      method: "PATCH",
      headers: { ...(await admin.auth()), "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  it("sends the fields' JSON Schema and the adminOnly names with a user's page", async () => {
    admin = await signUp(ADMIN_EMAILS[0] as string);
    user = await signUp("grace@example.com");
    const res = await get(suite.app, admin, `/admin/api/users/${user.userId}`);
    expect(res.status).toBe(200);
    const detail = (await res.json()) as {
      user: { fields: Record<string, unknown> };
      fieldSchema: { properties: Record<string, { type?: string; enum?: string[] }> };
      adminOnlyFields: string[];
    };
    expect(detail.user.fields).toEqual({ fullName: "grace" });
    expect(Object.keys(detail.fieldSchema.properties)).toEqual([
      "fullName",
      "plan",
      "organizationId",
    ]);
    expect(detail.fieldSchema.properties.plan?.enum).toEqual(["free", "pro"]);
    expect(detail.adminOnlyFields).toEqual(["organizationId"]);
  });

  it("sets any field, an adminOnly one included, after a step-up, audited", async () => {
    const body = { displayName: "Grace H.", fields: { organizationId: "org_7", plan: "pro" } };
    expect((await patchProfile(body)).status).toBe(401);
    await admin.stepUp();
    const res = await patchProfile(body);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      displayName: "Grace H.",
      fields: { fullName: "grace", organizationId: "org_7", plan: "pro" },
    });
    const [event] = await eventsOf(suite.app, {
      target: user.userId,
      action: "user.profile_updated",
    });
    expect(event?.actorId).toBe(admin.userId);
  });

  it.each([
    ["a bad value", { fields: { organizationId: "ORG-7" } }, "fields.organizationId"],
    ["a wrong type", { fields: { plan: "gold" } }, "fields.plan"],
    ["an unknown field", { fields: { nickname: "g" } }, "fields.nickname"],
    ["keyship's own member", { fields: { role: "admin" } }, "fields.role"],
  ])("refuses %s naming it, and writes nothing", async (_, body, path) => {
    const before = await authSnapshot(suite.app, ["users", "audit_events"]);
    const res = await patchProfile({ displayName: "Changed", ...body });
    expect(res.status).toBe(400);
    const problem = (await res.json()) as Problem;
    expect(problem.code).toBe("validation.failed");
    expect(problem.errors?.map((e) => e.path)).toContain(path);
    expect(await authSnapshot(suite.app, ["users", "audit_events"])).toBe(before);
  });
});
