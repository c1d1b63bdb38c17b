/**
 * `keyship/testing`: a user created by `createTestUser()` calls protected routes through
 * `app.request()` with a device token and with a session, and the guards treat it as any
 * signed-in user (role, scopes, revocation).
 */
import { describe, expect, it } from "vitest";
import { requireAdmin, requireScopes, requireUser } from "../../src/index.ts";
import { createTestUser } from "../../src/testing/index.ts";
import { dialects } from "../helpers/databases.ts";
import { useSuite } from "../helpers/suite.ts";

describe.each(dialects)("createTestUser on $name", (dialect) => {
  const suite = useSuite(dialect);
  let mounted = false;
  const app = () => {
    if (!mounted) {
      mounted = true;
      suite.app.get("/t/hello", requireUser(), (c) => c.json(c.var.principal));
      suite.app.get("/t/admin", requireAdmin(), (c) => c.json({ ok: true }));
      suite.app.get("/t/reports", requireScopes("reports:read"), (c) => c.json({ ok: true }));
    }
    return suite.app;
  };
  const now = () => suite.clock.now();

  it("signs in with a device token: the principal has the role and scopes asked for", async () => {
    const ada = await createTestUser(suite.app.keyship, { scopes: ["reports:read"], now });
    const response = await app().request("/t/hello", { headers: await ada.deviceHeaders() });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      userId: ada.id,
      role: "user",
      scopes: ["reports:read"],
      via: "device",
      deviceId: ada.deviceId,
    });
    const reports = await app().request("/t/reports", { headers: await ada.deviceHeaders() });
    expect(reports.status).toBe(200);
  });

  it("signs in with a session's access token", async () => {
    const ada = await createTestUser(suite.app.keyship, { now });
    const response = await app().request("/t/hello", { headers: await ada.sessionHeaders() });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ userId: ada.id, via: "session" });
    const rows = await suite.app.keyship.db
      .selectFrom("sessions")
      .select("user_id")
      .where("user_id", "=", ada.id)
      .execute();
    expect(rows).toHaveLength(1);
  });

  it.each(["deviceHeaders", "sessionHeaders"] as const)(
    "lets the guards refuse what the user may not do (%s)",
    async (headers) => {
      const user = await createTestUser(suite.app.keyship, { now });
      const admin = await createTestUser(suite.app.keyship, { role: "admin", now });
      const refused = await app().request("/t/admin", { headers: await user[headers]() });
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as { code: string }).code).toBe("auth.forbidden");
      const noScope = await app().request("/t/reports", { headers: await user[headers]() });
      expect(noScope.status).toBe(403);
      const allowed = await app().request("/t/admin", { headers: await admin[headers]() });
      expect(allowed.status).toBe(200);
    },
  );

  it("is a real device: signing out revokes it and its tokens are refused", async () => {
    const ada = await createTestUser(suite.app.keyship, { now });
    const headers = await ada.deviceHeaders();
    const logout = await app().request("/auth/logout", { method: "POST", headers });
    expect(logout.status).toBe(204);
    const after = await app().request("/t/hello", { headers: await ada.deviceHeaders() });
    expect(after.status).toBe(401);
  });

  it("refuses an email that already has an account", async () => {
    await createTestUser(suite.app.keyship, { email: "taken@example.test" });
    await expect(
      createTestUser(suite.app.keyship, { email: "taken@example.test" }),
    ).rejects.toMatchObject({ code: "passkey.email_taken" });
  });
});
