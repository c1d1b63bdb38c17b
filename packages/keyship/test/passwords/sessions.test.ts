import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { postJson } from "../helpers/app.ts";
import { dialects } from "../helpers/databases.ts";
import { codeOf } from "../helpers/passkeys.ts";
import { bearer, refresh } from "../helpers/sessions.ts";
import { useSuite } from "../helpers/suite.ts";
import { mailbox, PASSWORD, ROOMY_LIMITS } from "./helpers.ts";

const fresh = () => `s-${randomUUID()}@example.com`;

interface BearerAnswer {
  userId: string;
  deviceId: string | null;
  sessionId: string;
  accessToken: string;
  refreshToken: string;
}

describe.each(dialects)("password sign-in with server-issued sessions on $name", (dialect) => {
  const mails = mailbox();
  const suite = useSuite(dialect, {
    passwordAuthEnabled: true,
    mailer: mails,
    ...ROOMY_LIMITS,
  });

  async function signIn(
    path: "/auth/register" | "/auth/login",
    email: string,
  ): Promise<BearerAnswer> {
    const res = await postJson(suite.app, path, { email, password: PASSWORD, session: "bearer" });
    expect(res.status).toBe(path === "/auth/register" ? 201 : 200);
    return (await res.json()) as BearerAnswer;
  }

  it("registers and signs in with bearer tokens instead of a device key", async () => {
    const email = fresh();
    const registered = await signIn("/auth/register", email);
    expect(registered.deviceId).toBeNull();
    const me = await suite.app.request("/auth/me", { headers: bearer(registered.accessToken) });
    expect(((await me.json()) as { id: string }).id).toBe(registered.userId);
    const second = await signIn("/auth/login", email);
    expect(second.sessionId).not.toBe(registered.sessionId);
  });

  it("refuses a sign-in that asks for neither a device nor a session", async () => {
    const res = await postJson(suite.app, "/auth/login", { email: fresh(), password: PASSWORD });
    expect(res.status).toBe(400);
    expect(await codeOf(res)).toBe("validation.failed");
  });

  it("ends every other session when the password changes, keeping the caller's", async () => {
    const email = fresh();
    const caller = await signIn("/auth/register", email);
    const other = await signIn("/auth/login", email);
    const res = await postJson(
      suite.app,
      "/auth/password/change",
      { currentPassword: PASSWORD, newPassword: "a brand new passphrase" },
      bearer(caller.accessToken),
    );
    expect(res.status).toBe(200);
    expect(
      (await suite.app.request("/auth/me", { headers: bearer(other.accessToken) })).status,
    ).toBe(401);
    expect((await refresh(suite.app, other.refreshToken)).status).toBe(401);
    expect(
      (await suite.app.request("/auth/me", { headers: bearer(caller.accessToken) })).status,
    ).toBe(200);
  });

  it("ends every session when a password reset succeeds", async () => {
    const email = fresh();
    const session = await signIn("/auth/register", email);
    expect((await postJson(suite.app, "/auth/password-reset/request", { email })).status).toBe(202);
    await new Promise((resolve) => setImmediate(resolve)); // the mail goes out in the background
    const confirm = await postJson(suite.app, "/auth/password-reset/confirm", {
      token: mails.lastToken(email),
      newPassword: "reset to something new",
    });
    expect(confirm.status).toBe(204);
    expect(
      (await suite.app.request("/auth/me", { headers: bearer(session.accessToken) })).status,
    ).toBe(401);
    expect((await refresh(suite.app, session.refreshToken)).status).toBe(401);
  });
});
