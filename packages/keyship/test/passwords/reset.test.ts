import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { postJson } from "../helpers/app.ts";
import { dialects } from "../helpers/databases.ts";
import { codeOf } from "../helpers/passkeys.ts";
import { useSuite } from "../helpers/suite.ts";
import {
  login,
  loginPasswordAccount,
  mailbox,
  ROOMY_LIMITS,
  registerPasswordAccount,
} from "./helpers.ts";

const fresh = () => `r-${randomUUID()}@example.com`;
const NEW_PASSWORD = "a brand new passphrase";

describe.each(dialects)("password reset on $name", (dialect) => {
  const mails = mailbox();
  const suite = useSuite(dialect, { passwordAuthEnabled: true, mailer: mails, ...ROOMY_LIMITS });
  const request = (email: string) => postJson(suite.app, "/auth/password-reset/request", { email });
  const confirm = (token: string, newPassword = NEW_PASSWORD) =>
    postJson(suite.app, "/auth/password-reset/confirm", { token, newPassword });

  it("answers known and unknown emails with the same 202 and body, and mails only the known", async () => {
    const email = fresh();
    await registerPasswordAccount(suite.app, email);
    const sent = mails.sent.length;
    const known = await request(email);
    const unknown = await request(fresh());
    expect([known.status, unknown.status]).toEqual([202, 202]);
    expect(await known.json()).toEqual(await unknown.json());
    expect(mails.sent.length).toBe(sent + 1);
    expect(mails.sent.at(-1)?.to).toBe(email);
  });

  it("sets the new password, verifies the email and revokes every device", async () => {
    const email = fresh();
    const first = await registerPasswordAccount(suite.app, email);
    const second = await loginPasswordAccount(suite.app, email);
    await request(email);
    const res = await confirm(mails.lastToken(email));
    expect(res.status).toBe(204);

    for (const account of [first, second]) {
      const me = await suite.app.request("/auth/me", { headers: await account.auth() });
      expect(me.status).toBe(401);
    }
    expect(await codeOf(await login(suite.app, email))).toBe("auth.invalid_credentials");
    const fresher = await loginPasswordAccount(suite.app, email, NEW_PASSWORD);
    const user = await suite.app.keyship.db
      .selectFrom("users")
      .select("email_verified_at")
      .where("id", "=", fresher.userId)
      .executeTakeFirstOrThrow();
    expect(user.email_verified_at).not.toBeNull();
  });

  it("accepts a token once", async () => {
    const email = fresh();
    await registerPasswordAccount(suite.app, email);
    await request(email);
    const token = mails.lastToken(email);
    expect((await confirm(token)).status).toBe(204);
    const again = await confirm(token, "yet another passphrase");
    expect(again.status).toBe(400);
    expect(await codeOf(again)).toBe("password.token_invalid");
    await loginPasswordAccount(suite.app, email, NEW_PASSWORD);
  });

  it("spends older reset links when one is used", async () => {
    const email = fresh();
    await registerPasswordAccount(suite.app, email);
    await request(email);
    const older = mails.lastToken(email);
    await request(email);
    expect((await confirm(mails.lastToken(email))).status).toBe(204);
    expect(await codeOf(await confirm(older))).toBe("password.token_invalid");
  });

  it("refuses a token after 30 minutes", async () => {
    const email = fresh();
    await registerPasswordAccount(suite.app, email);
    await request(email);
    const token = mails.lastToken(email);
    suite.clock.advance(30 * 60_000 + 1000);
    const res = await confirm(token);
    expect(res.status).toBe(400);
    expect(await codeOf(res)).toBe("password.token_invalid");
  });

  it.each([
    ["an unknown token", "A".repeat(43), 400, "password.token_invalid"],
    ["a malformed token", "not a token!", 400, "validation.failed"],
  ])("refuses %s", async (_name, token, status, code) => {
    const res = await confirm(token);
    expect(res.status).toBe(status);
    expect(await codeOf(res)).toBe(code);
  });

  it("checks the new password's length before spending the token", async () => {
    const email = fresh();
    await registerPasswordAccount(suite.app, email);
    await request(email);
    const token = mails.lastToken(email);
    const short = await confirm(token, "short");
    expect(await codeOf(short)).toBe("password.too_short");
    expect(await codeOf(await confirm(token, "x".repeat(129)))).toBe("password.too_long");
    expect((await confirm(token)).status).toBe(204);
  });

  it("stores reset tokens only as SHA-256", async () => {
    const email = fresh();
    const account = await registerPasswordAccount(suite.app, email);
    await request(email);
    const token = mails.lastToken(email);
    const rows = await suite.app.keyship.db
      .selectFrom("password_resets")
      .selectAll()
      .where("user_id", "=", account.userId)
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toContain(token);
  });
});
