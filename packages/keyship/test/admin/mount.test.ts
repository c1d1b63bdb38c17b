/**
 * Where the console and its API are served: `createApp()` at `/admin` unless
 * `adminEnabled: false`, and `keyship().admin` mounted into an existing Hono app.
 */
import { Hono } from "hono";
import { afterAll, describe, expect, it } from "vitest";
import type { KeyshipEnv } from "../../src/http/variables.ts";
import { keyship } from "../../src/keyship.ts";
import { createLogger } from "../../src/observability/logger.ts";
import { testApp } from "../helpers/app.ts";
import { SoftwareAuthenticator } from "../helpers/authenticator.ts";
import { codeOf, registerAccount, TEST_ORIGIN } from "../helpers/passkeys.ts";

describe("mounting the admin console", () => {
  it("is off with adminEnabled: false: /admin and /admin/api answer 404", async () => {
    const app = testApp("sqlite::memory:", { adminEnabled: false });
    try {
      expect((await app.request("/admin")).status).toBe(404);
      expect((await app.request("/admin/api/overview")).status).toBe(404);
      const doc = (await (await app.request("/openapi.json")).json()) as { paths: object };
      expect(Object.keys(doc.paths).filter((p) => p.startsWith("/admin"))).toEqual([]);
    } finally {
      await app.keyship.close();
    }
  });

  describe("keyship().admin in an existing Hono app", async () => {
    const auth = await keyship({
      databaseUrl: "sqlite::memory:",
      envFile: false,
      processEnv: {},
      logger: createLogger("silent"),
      bootstrapAdminEmails: ["root@example.com"],
    });
    const app = new Hono<KeyshipEnv>();
    app.route("/auth", auth.routes);
    app.route("/admin", auth.admin);
    afterAll(() => auth.close());

    it("serves the console shell and guards the API with the instance's own authentication", async () => {
      const shell = await app.request("/admin");
      expect(shell.status).toBe(200);
      expect(shell.headers.get("content-type")).toContain("text/html");
      const anonymous = await app.request("/admin/api/overview");
      expect([anonymous.status, await codeOf(anonymous)]).toEqual([401, "auth.unauthenticated"]);
      const authenticator = new SoftwareAuthenticator({ origin: TEST_ORIGIN });
      const root = await registerAccount(app as never, authenticator, {
        email: "root@example.com",
      });
      const overview = await app.request("/admin/api/overview", { headers: await root.auth() });
      expect(overview.status).toBe(200);
      expect(await overview.json()).toMatchObject({ users: { total: 1, admins: 1 } });
    });
  });
});
