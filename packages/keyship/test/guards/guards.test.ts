import { describe, expect, it } from "vitest";
import {
  requireAdmin,
  requireClaims,
  requireRoles,
  requireScopes,
  requireUser,
} from "../../src/guards/guards.ts";
import { addUserScopes, promoteUser } from "../../src/users/service.ts";
import { SoftwareAuthenticator } from "../helpers/authenticator.ts";
import { dialects } from "../helpers/databases.ts";
import { codeOf, registerAccount, TEST_ORIGIN } from "../helpers/passkeys.ts";
import { useSuite } from "../helpers/suite.ts";

describe.each(dialects)("guards on $name", (dialect) => {
  const suite = useSuite(dialect);
  let routesAdded = false;
  function app() {
    const a = suite.app;
    if (!routesAdded) {
      routesAdded = true;
      a.get("/t/user", requireUser(), (c) => c.json({ userId: c.var.principal?.userId }));
      a.get("/t/admin", requireAdmin(), (c) => c.text("admin"));
      a.get("/t/roles", requireRoles("user", "admin"), (c) => c.text("roles"));
      a.get("/t/refund", requireScopes("billing:refund billing:read"), (c) => c.text("refund"));
      a.get("/t/list", requireScopes(["reports:read"], "reports:export"), (c) => c.text("list"));
      a.get(
        "/t/device-only",
        requireClaims((p) => p.via === "device"),
        (c) => c.text("device"),
      );
    }
    return a;
  }
  const ctx = () => ({ db: suite.app.keyship.db, now: () => new Date() });
  const onUserChanged = (id: string) => suite.app.keyship.invalidateUser(id);

  it.each(["/t/user", "/t/admin", "/t/roles", "/t/refund", "/t/device-only"])(
    "answers %s without credentials with 401 and a Bearer challenge",
    async (path) => {
      const res = await app().request(path);
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe("Bearer");
      expect(await codeOf(res)).toBe("auth.unauthenticated");
    },
  );

  it("lets any signed-in user through requireUser, requireRoles and requireClaims", async () => {
    const account = await registerAccount(
      suite.app,
      new SoftwareAuthenticator({ origin: TEST_ORIGIN }),
    );
    const headers = await account.auth();
    expect(await (await app().request("/t/user", { headers })).json()).toEqual({
      userId: account.userId,
    });
    expect((await app().request("/t/roles", { headers })).status).toBe(200);
    expect((await app().request("/t/device-only", { headers })).status).toBe(200);
  });

  it("refuses a plain user on an admin route with 403, then admits them once promoted", async () => {
    const account = await registerAccount(
      suite.app,
      new SoftwareAuthenticator({ origin: TEST_ORIGIN }),
    );
    const headers = await account.auth();
    const refused = await app().request("/t/admin", { headers });
    expect(refused.status).toBe(403);
    expect(await codeOf(refused)).toBe("auth.forbidden");
    await promoteUser(ctx(), account.userId, { onUserChanged });
    expect((await app().request("/t/admin", { headers })).status).toBe(200);
  });

  it("lists the missing scopes in a 403 with insufficient_scope", async () => {
    const account = await registerAccount(
      suite.app,
      new SoftwareAuthenticator({ origin: TEST_ORIGIN }),
    );
    await addUserScopes(ctx(), account.userId, "billing:read", { onUserChanged });
    const res = await app().request("/t/refund", { headers: await account.auth() });
    expect(res.status).toBe(403);
    expect(res.headers.get("www-authenticate")).toBe(
      'Bearer error="insufficient_scope", scope="billing:refund billing:read"',
    );
    expect(((await res.json()) as { missing_scopes: string[] }).missing_scopes).toEqual([
      "billing:refund",
    ]);
  });

  it("requires every scope (all-of), from strings and lists alike", async () => {
    const account = await registerAccount(
      suite.app,
      new SoftwareAuthenticator({ origin: TEST_ORIGIN }),
    );
    await addUserScopes(ctx(), account.userId, ["reports:read"], { onUserChanged });
    expect((await app().request("/t/list", { headers: await account.auth() })).status).toBe(403);
    await addUserScopes(ctx(), account.userId, ["reports:export"], { onUserChanged });
    expect((await app().request("/t/list", { headers: await account.auth() })).status).toBe(200);
  });
});

describe("guard factories", () => {
  it.each([
    ["requireScopes()", () => requireScopes()],
    ["requireScopes(' ')", () => requireScopes(" ")],
    ["requireRoles()", () => requireRoles()],
  ])("refuse %s with no requirement at startup", (_name, make) => {
    expect(make).toThrow(TypeError);
  });
});
