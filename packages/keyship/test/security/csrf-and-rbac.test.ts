/**
 * Cross-site writes in cookie mode and writes without the role or scope: each refused with
 * its status and code before the handler runs, and the auth tables unchanged — a refusal that
 * let the request through would revoke every session of the victim.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { requireAdmin, requireScopes, requireUser } from "../../src/guards/guards.ts";
import { postJson } from "../helpers/app.ts";
import { SoftwareAuthenticator } from "../helpers/authenticator.ts";
import { dialects } from "../helpers/databases.ts";
import { codeOf, registerAccount, type TestAccount } from "../helpers/passkeys.ts";
import { cookieHeader, registerWithSession } from "../helpers/sessions.ts";
import { authSnapshot } from "../helpers/snapshot.ts";
import { useSuite } from "../helpers/suite.ts";

const ORIGIN = "https://app.example.test";

describe.each(dialects)("cross-site and unprivileged writes on $name", (dialect) => {
  const suite = useSuite(dialect, { origins: [ORIGIN], rpId: "app.example.test" });
  let jar: Record<string, string>;
  let user: TestAccount;
  let writes = 0;

  beforeAll(async () => {
    jar = (await registerWithSession(suite.app, "cookie", { origin: ORIGIN })).cookies;
    user = await registerAccount(suite.app, new SoftwareAuthenticator({ origin: ORIGIN }));
    const write = (c: { json: (v: unknown) => Response }) => {
      writes += 1;
      return c.json({ ok: true });
    };
    suite.app.post("/api/admin/purge", requireAdmin(), write);
    suite.app.post("/api/billing/refund", requireScopes("billing:refund"), write);
    suite.app.post("/api/notes", requireUser(), write);
  });

  async function expectRefused(res: Response, status: number, code: string, before: string) {
    expect(res.status).toBe(status);
    expect(await codeOf(res)).toBe(code);
    expect(await authSnapshot(suite.app)).toBe(before);
  }

  it.each([
    ["a foreign Origin", { origin: "https://evil.example" }],
    ["Sec-Fetch-Site cross-site", { "sec-fetch-site": "cross-site" }],
    ["no Origin and no CSRF token", {}],
  ])("refuses log out everywhere with the cookie and %s", async (_n, headers) => {
    const before = await authSnapshot(suite.app);
    const res = await suite.app.request("/auth/logout-all", {
      method: "POST",
      headers: { cookie: cookieHeader(jar), "content-type": "application/json", ...headers },
      body: "{}",
    });
    await expectRefused(res, 403, "auth.csrf_failed", before);
  });

  it.each([
    ["an admin route", "/api/admin/purge"],
    ["a route that needs a scope", "/api/billing/refund"],
  ])("refuses a plain user on %s with 403 auth.forbidden", async (_n, path) => {
    // A device's first request records when it was last seen: make that one first.
    await suite.app.request("/auth/me", { headers: await user.auth() });
    const before = await authSnapshot(suite.app);
    await expectRefused(
      await postJson(suite.app, path, {}, await user.auth()),
      403,
      "auth.forbidden",
      before,
    );
    expect(writes).toBe(0);
  });

  it("refuses an anonymous write with 401 and a challenge", async () => {
    const before = await authSnapshot(suite.app);
    const res = await postJson(suite.app, "/api/notes", {});
    expect(res.headers.get("www-authenticate")).toBe("Bearer");
    await expectRefused(res, 401, "auth.unauthenticated", before);
    expect(writes).toBe(0);
  });
});
