import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { requireUser } from "../../src/guards/guards.ts";
import { postJson } from "../helpers/app.ts";
import { dialects } from "../helpers/databases.ts";
import { codeOf, startLogin, stepUpWith } from "../helpers/passkeys.ts";
import {
  bearer,
  loginWithSession,
  refresh,
  registerWithSession,
  type SessionAnswer,
} from "../helpers/sessions.ts";
import { useSuite } from "../helpers/suite.ts";

describe.each(dialects)("bearer sessions on $name", (dialect) => {
  const suite = useSuite(dialect);
  beforeAll(() => {
    suite.app.get("/whoami", requireUser(), (c) => c.json(c.var.principal));
  });
  const whoami = (token: string | undefined) =>
    suite.app.request("/whoami", { headers: bearer(token) });
  const signUp = async () => (await registerWithSession(suite.app, "bearer")).body;
  const rowsOf = (sessionId: string) =>
    suite.app.keyship.db
      .selectFrom("sessions")
      .selectAll()
      .where("family_id", "=", sessionId)
      .orderBy("created_at")
      .execute();

  it("answers a sign-up with an access token, a refresh token and expiresIn", async () => {
    const body = await signUp();
    expect(body).toMatchObject({ deviceId: null, tokenType: "Bearer", expiresIn: 900 });
    expect(body.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/); // 256 bits
    const res = await whoami(body.accessToken);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      userId: body.userId,
      role: "user",
      scopes: [],
      via: "session",
      sessionId: body.sessionId,
    });
  });

  it("stores only the refresh token's SHA-256, with IP, user agent and times", async () => {
    const { body } = await registerWithSession(suite.app, "bearer", {
      headers: { "user-agent": "TestBrowser/1.0" },
    });
    const [row] = await rowsOf(body.sessionId);
    expect(row).toMatchObject({
      id: body.sessionId,
      user_id: body.userId,
      refresh_hash: createHash("sha256")
        .update(body.refreshToken as string)
        .digest("hex"),
      user_agent: "TestBrowser/1.0",
      rotated_at: null,
      revoked_at: null,
    });
    expect(typeof row?.ip).toBe("string");
    expect(Date.parse(row?.expires_at as string) - Date.parse(row?.created_at as string)).toBe(
      30 * 86_400_000,
    );
  });

  it("binds a device and starts a session when both are asked for", async () => {
    const body = (await registerWithSession(suite.app, "bearer", { withDevice: true })).body;
    expect(body.deviceId).toMatch(/^d/);
    expect((await whoami(body.accessToken)).status).toBe(200);
  });

  it("signs in with a passkey into a new session", async () => {
    const { authenticator, body } = await registerWithSession(suite.app, "bearer");
    const again = await loginWithSession(suite.app, authenticator, "bearer");
    expect(again.userId).toBe(body.userId);
    expect(again.sessionId).not.toBe(body.sessionId);
  });

  it("refuses a finish that asks for neither a device nor a session", async () => {
    const { flowId } = await startLogin(suite.app);
    const res = await postJson(suite.app, "/auth/passkey/login/finish", {
      flowId,
      credential: {
        id: "AAAA",
        rawId: "AAAA",
        type: "public-key",
        response: { clientDataJSON: "", authenticatorData: "", signature: "" },
        clientExtensionResults: {},
      },
    });
    expect(res.status).toBe(400);
    expect(await codeOf(res)).toBe("validation.failed");
  });

  it("rotates: the refresh answers a new pair of the same session, the old token is spent", async () => {
    const first = await signUp();
    const res = await refresh(suite.app, first.refreshToken);
    expect(res.status).toBe(200);
    const second = (await res.json()) as SessionAnswer;
    expect(second.sessionId).toBe(first.sessionId);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.accessToken).not.toBe(first.accessToken);
    expect((await whoami(second.accessToken)).status).toBe(200);
    const rows = await rowsOf(first.sessionId);
    expect(rows).toHaveLength(2);
    expect(rows[0]?.rotated_at).not.toBeNull();
    expect(rows[1]?.rotated_at).toBeNull();
    const third = (await (await refresh(suite.app, second.refreshToken)).json()) as SessionAnswer;
    expect(third.sessionId).toBe(first.sessionId);
  });

  it("detects reuse: a spent token revokes the whole family, access tokens included", async () => {
    const first = await signUp();
    const second = (await (await refresh(suite.app, first.refreshToken)).json()) as SessionAnswer;
    expect((await whoami(second.accessToken)).status).toBe(200);

    const replay = await refresh(suite.app, first.refreshToken);
    expect(replay.status).toBe(401);
    expect(await codeOf(replay)).toBe("token.refresh_reused");

    expect(await codeOf(await refresh(suite.app, second.refreshToken))).toBe("token.revoked");
    const denied = await whoami(second.accessToken);
    expect(denied.status).toBe(401);
    expect(denied.headers.get("www-authenticate")).toContain('error="invalid_token"');
    expect(await codeOf(denied)).toBe("token.revoked");
    expect((await rowsOf(first.sessionId)).every((r) => r.revoked_at !== null)).toBe(true);
  });

  it("lets exactly one of two concurrent refreshes with one token succeed", async () => {
    const first = await signUp();
    const answers = await Promise.all([
      refresh(suite.app, first.refreshToken),
      refresh(suite.app, first.refreshToken),
    ]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 401]);
    const loser = answers.find((r) => r.status === 401) as Response;
    expect(await codeOf(loser)).toBe("token.refresh_reused");
    // Two new refresh tokens never exist: only one row was added to the family.
    expect(await rowsOf(first.sessionId)).toHaveLength(2);
  });

  it("expires access tokens after their TTL and refresh tokens after theirs", async () => {
    const body = await signUp();
    suite.clock.advance(15 * 60_000 + 31_000);
    const expired = await whoami(body.accessToken);
    expect(expired.status).toBe(401);
    expect(await codeOf(expired)).toBe("token.expired");
    const renewed = (await (await refresh(suite.app, body.refreshToken)).json()) as SessionAnswer;
    expect((await whoami(renewed.accessToken)).status).toBe(200);
    suite.clock.advance(30 * 86_400_000 + 1000);
    expect(await codeOf(await refresh(suite.app, renewed.refreshToken))).toBe("token.expired");
  });

  it.each([
    ["an unknown refresh token", "A".repeat(43)],
    ["a malformed refresh token", "not a token"],
  ])("refuses %s", async (_name, token) => {
    const res = await refresh(suite.app, token);
    expect(res.status).toBe(401);
    expect(await codeOf(res)).toBe("token.invalid");
  });

  it("lists sessions with the caller's flagged, and revokes another at once", async () => {
    const { authenticator, body: one } = await registerWithSession(suite.app, "bearer");
    const two = await loginWithSession(suite.app, authenticator, "bearer");
    const list = await suite.app.request("/auth/sessions", { headers: bearer(two.accessToken) });
    const sessions = ((await list.json()) as { sessions: Array<{ id: string; current: boolean }> })
      .sessions;
    expect(sessions.map((s) => [s.id, s.current]).sort()).toEqual(
      [
        [one.sessionId, false],
        [two.sessionId, true],
      ].sort(),
    );
    expect((await whoami(one.accessToken)).status).toBe(200); // cached now
    await stepUpWith(suite.app, authenticator, bearer(two.accessToken));
    const revoked = await suite.app.request(`/auth/sessions/${one.sessionId}/revoke`, {
      method: "POST",
      headers: bearer(two.accessToken),
    });
    expect(revoked.status).toBe(204);
    expect(await codeOf(await whoami(one.accessToken))).toBe("token.revoked");
    expect(await codeOf(await refresh(suite.app, one.refreshToken))).toBe("token.revoked");
    expect((await whoami(two.accessToken)).status).toBe(200);
  });

  it("answers 404 for another user's session id", async () => {
    const alice = await signUp();
    const { authenticator, body: bob } = await registerWithSession(suite.app, "bearer");
    await stepUpWith(suite.app, authenticator, bearer(bob.accessToken));
    const res = await suite.app.request(`/auth/sessions/${alice.sessionId}/revoke`, {
      method: "POST",
      headers: bearer(bob.accessToken),
    });
    expect(res.status).toBe(404);
    expect(await codeOf(res)).toBe("resource.not_found");
    expect((await whoami(alice.accessToken)).status).toBe(200);
  });

  it("logout ends the session on the very next request", async () => {
    const body = await signUp();
    expect((await whoami(body.accessToken)).status).toBe(200);
    const out = await suite.app.request("/auth/logout", {
      method: "POST",
      headers: bearer(body.accessToken),
    });
    expect(out.status).toBe(204);
    expect(await codeOf(await whoami(body.accessToken))).toBe("token.revoked");
    expect(await codeOf(await refresh(suite.app, body.refreshToken))).toBe("token.revoked");
  });

  it("logout-all ends every session and device of the user on the very next request", async () => {
    const { authenticator, body: one } = await registerWithSession(suite.app, "bearer", {
      withDevice: true,
    });
    const two = await loginWithSession(suite.app, authenticator, "bearer");
    const other = await signUp();
    expect((await whoami(one.accessToken)).status).toBe(200);
    const res = await suite.app.request("/auth/logout-all", {
      method: "POST",
      headers: bearer(two.accessToken),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ sessions: 2, devices: 1 });
    expect(await codeOf(await whoami(one.accessToken))).toBe("token.revoked");
    expect(await codeOf(await whoami(two.accessToken))).toBe("token.revoked");
    expect((await whoami(other.accessToken)).status).toBe(200);
    const devices = await suite.app.keyship.db
      .selectFrom("devices")
      .select("revoked_at")
      .where("id", "=", one.deviceId as string)
      .executeTakeFirstOrThrow();
    expect(devices.revoked_at).not.toBeNull();
  });

  it("refuses a disabled user's access token once the user is invalidated", async () => {
    const body = await signUp();
    expect((await whoami(body.accessToken)).status).toBe(200);
    await suite.app.keyship.db
      .updateTable("users")
      .set({ disabled_at: new Date().toISOString() })
      .where("id", "=", body.userId)
      .execute();
    suite.app.keyship.invalidateUser(body.userId);
    expect(await codeOf(await whoami(body.accessToken))).toBe("token.invalid");
    expect(await codeOf(await refresh(suite.app, body.refreshToken))).toBe("token.invalid");
  });

  it("refuses a disabled user's refresh without spending it: re-enabled, the token still works", async () => {
    const body = await signUp();
    const setDisabled = (at: string | null) =>
      suite.app.keyship.db
        .updateTable("users")
        .set({ disabled_at: at })
        .where("id", "=", body.userId)
        .execute();
    await setDisabled(new Date().toISOString());
    expect(await codeOf(await refresh(suite.app, body.refreshToken))).toBe("token.invalid");
    const [row] = await rowsOf(body.sessionId);
    expect(row?.rotated_at).toBeNull();
    expect(row?.revoked_at).toBeNull();
    await setDisabled(null);
    const res = await refresh(suite.app, body.refreshToken);
    expect(res.status).toBe(200);
    expect(((await res.json()) as SessionAnswer).sessionId).toBe(body.sessionId);
  });
});
