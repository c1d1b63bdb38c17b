/**
 * The API through `app.request()`: no server, an in-memory database.
 * Run with `npm test`.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { createLogger } from "keyship/observability";
import { createApi } from "../src/app.ts";

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
