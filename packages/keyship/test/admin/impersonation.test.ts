/**
 * Impersonation: an admin acts as a user for 15 minutes. The session is marked everywhere
 * (`/auth/me`, every audit row it causes carries both ids), cannot step up, cannot act as an
 * admin, ends when stopped or after 15 minutes, and is audited from start to end.
 */
import { describe, expect, it } from "vitest";
import { logAction } from "../../src/audit/request.ts";
import { requireUser } from "../../src/guards/guards.ts";
import { postJson } from "../helpers/app.ts";
import { dialects } from "../helpers/databases.ts";
import { codeOf, type TestAccount } from "../helpers/passkeys.ts";
import { bearer } from "../helpers/sessions.ts";
import { useSuite } from "../helpers/suite.ts";
import { ADMIN_EMAILS, eventsOf, get, newAccount, post } from "./fixtures.ts";

describe.each(dialects)("impersonation on $name", (dialect) => {
  // Access tokens live an hour here: the impersonation must end at 15 minutes on its own.
  const suite = useSuite(dialect, { bootstrapAdminEmails: ADMIN_EMAILS, accessTokenTtl: 3600 });
  let admin: TestAccount;
  let otherAdmin: TestAccount;
  let user: TestAccount;

  async function impersonate(target: string): Promise<Response> {
    return await post(suite.app, admin, `/admin/api/users/${target}/impersonate`);
  }

  it("needs a step-up, and never acts as an admin", async () => {
    suite.app.post("/test-impersonation/note", requireUser(), async (c) => {
      await logAction(c, "support.note_added", { targetType: "ticket", targetId: "t1" });
      return c.body(null, 204);
    });
    admin = await newAccount(suite.app, ADMIN_EMAILS[0] as string);
    otherAdmin = await newAccount(suite.app, ADMIN_EMAILS[1] as string);
    user = await newAccount(suite.app, "ada@example.com");
    expect(await codeOf(await impersonate(user.userId))).toBe("auth.step_up_required");
    await admin.stepUp();
    const refused = await impersonate(otherAdmin.userId);
    expect([refused.status, await codeOf(refused)]).toEqual([403, "admin.cannot_impersonate"]);
    expect((await impersonate(`u${"0".repeat(31)}`)).status).toBe(404);
    expect(await eventsOf(suite.app, { action: "admin.*" })).toEqual([]);
  });

  it("acts as the user, marked on /auth/me and on every audit row it causes", async () => {
    const res = await impersonate(user.userId);
    expect(res.status).toBe(201);
    const started = (await res.json()) as {
      accessToken: string;
      sessionId: string;
      expiresIn: number;
    };
    expect(started).toMatchObject({
      tokenType: "Bearer",
      expiresIn: 900,
      user: { id: user.userId },
    });
    const me = await suite.app.request("/auth/me", { headers: bearer(started.accessToken) });
    expect(await me.json()).toMatchObject({ id: user.userId, impersonatorId: admin.userId });
    const note = await postJson(
      suite.app,
      "/test-impersonation/note",
      {},
      bearer(started.accessToken),
    );
    expect(note.status).toBe(204);
    const [row] = await eventsOf(suite.app, { action: "support.note_added" });
    expect(row).toMatchObject({
      actorId: user.userId,
      impersonatorId: admin.userId,
      targetId: "t1",
    });
    // The banner's list.
    const list = await (await get(suite.app, admin, "/admin/api/impersonation")).json();
    expect(list).toEqual({
      items: [
        expect.objectContaining({
          sessionId: started.sessionId,
          userId: user.userId,
          email: "ada@example.com",
        }),
      ],
    });
  });

  it("cannot step up or do what needs one", async () => {
    const { accessToken } = (await (await impersonate(user.userId)).json()) as {
      accessToken: string;
    };
    const add = await postJson(suite.app, "/auth/passkey/add/start", {}, bearer(accessToken));
    expect([add.status, await codeOf(add)]).toEqual([403, "auth.forbidden"]);
  });

  it("ends when stopped: the token fails on its next request", async () => {
    const { accessToken } = (await (await impersonate(user.userId)).json()) as {
      accessToken: string;
    };
    const stopped = await post(suite.app, admin, "/admin/api/impersonation/stop");
    expect(await stopped.json()).toEqual({ stopped: 3 });
    const me = await suite.app.request("/auth/me", { headers: bearer(accessToken) });
    expect([me.status, await codeOf(me)]).toEqual([401, "token.revoked"]);
    expect(await (await get(suite.app, admin, "/admin/api/impersonation")).json()).toEqual({
      items: [],
    });
    const rows = await eventsOf(suite.app, { action: "admin.*" });
    expect(rows.map((e) => [e.action, e.actorId, e.targetId])).toEqual([
      ...Array(3).fill(["admin.impersonation_ended", admin.userId, user.userId]),
      ...Array(3).fill(["admin.impersonation_started", admin.userId, user.userId]),
    ]);
  });

  it("ends after 15 minutes even when the access token lives longer", async () => {
    const { accessToken } = (await (await impersonate(user.userId)).json()) as {
      accessToken: string;
    };
    expect((await suite.app.request("/auth/me", { headers: bearer(accessToken) })).status).toBe(
      200,
    );
    suite.clock.advance(15 * 60_000 + 1000);
    const me = await suite.app.request("/auth/me", { headers: bearer(accessToken) });
    expect([me.status, await codeOf(me)]).toEqual([401, "token.expired"]);
  });
});
