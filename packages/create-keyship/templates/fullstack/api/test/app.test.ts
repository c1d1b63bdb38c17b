/**
 * The API through `app.request()`: no server, an in-memory database. `keyship/testing` signs
 * users in (with a role and scopes) to test the protected routes, not only their 401s.
 * Run with `npm test`.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { createLogger } from "keyship/observability";
import { createTestUser } from "keyship/testing";
import { createApi, REPORTS_SCOPE } from "../src/app.ts";

const app = createApi({
  databaseUrl: "sqlite::memory:",
  rpId: "localhost",
  origins: ["http://localhost:5173"],
  envFile: false,
  processEnv: {},
  logger: createLogger("silent"),
});
after(() => app.keyship.close());

describe("the API", () => {
  it("is healthy", async () => {
    const response = await app.request("/health");
    assert.equal(response.status, 200);
  });

  for (const path of ["/api/hello", "/api/admin/stats", "/api/reports"]) {
    it(`refuses ${path} without a device token`, async () => {
      const response = await app.request(path);
      assert.equal(response.status, 401);
      const problem = (await response.json()) as { code: string };
      assert.equal(problem.code, "auth.unauthenticated");
    });
  }

  it("answers a signed-in user on /api/hello", async () => {
    const ada = await createTestUser(app.keyship, { email: "ada@example.com" });
    const response = await app.request("/api/hello", { headers: await ada.deviceHeaders() });
    assert.equal(response.status, 200);
    const body = (await response.json()) as { userId: string; role: string };
    assert.equal(body.userId, ada.id);
    assert.equal(body.role, "user");
  });

  it("keeps /api/admin/stats for admins", async () => {
    const user = await createTestUser(app.keyship);
    const admin = await createTestUser(app.keyship, { role: "admin" });
    const refused = await app.request("/api/admin/stats", { headers: await user.deviceHeaders() });
    assert.equal(refused.status, 403);
    const allowed = await app.request("/api/admin/stats", {
      headers: await admin.sessionHeaders(),
    });
    assert.equal(allowed.status, 200);
    const stats = (await allowed.json()) as { users: number };
    assert.ok(stats.users >= 2);
  });

  it(`gives /api/reports to holders of ${REPORTS_SCOPE} only`, async () => {
    const without = await createTestUser(app.keyship);
    const holder = await createTestUser(app.keyship, { scopes: [REPORTS_SCOPE] });
    const refused = await app.request("/api/reports", { headers: await without.deviceHeaders() });
    assert.equal(refused.status, 403);
    assert.equal(((await refused.json()) as { code: string }).code, "auth.forbidden");
    const allowed = await app.request("/api/reports", { headers: await holder.deviceHeaders() });
    assert.equal(allowed.status, 200);
  });

  it("offers passkey registration", async () => {
    const response = await app.request("/auth/passkey/register/start", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "ada@example.com", displayName: "Ada" }),
    });
    assert.equal(response.status, 200);
    const body = (await response.json()) as { options: { rp: { id: string } } };
    assert.equal(body.options.rp.id, "localhost");
  });
});
