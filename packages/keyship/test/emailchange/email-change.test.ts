import { describe, expect, it } from "vitest";
import { postJson } from "../helpers/app.ts";
import { SoftwareAuthenticator } from "../helpers/authenticator.ts";
import { dialects } from "../helpers/databases.ts";
import { codeOf, registerAccount, TEST_ORIGIN, type TestAccount } from "../helpers/passkeys.ts";
import { useSuite } from "../helpers/suite.ts";
import { mailbox } from "../passwords/helpers.ts";
import { freshEmail, ROOMY_RECOVERY_LIMITS } from "../recovery/helpers.ts";

describe.each(dialects)("email change on $name", (dialect) => {
  const mails = mailbox();
  const suite = useSuite(dialect, { mailer: mails, ...ROOMY_RECOVERY_LIMITS });
  const db = () => suite.app.keyship.db;

  async function newAccount(email: string | null = freshEmail()) {
    const authenticator = new SoftwareAuthenticator({ origin: TEST_ORIGIN });
    const account = await registerAccount(suite.app, authenticator, email ? { email } : {});
    await account.stepUp();
    return account;
  }
  const change = async (account: TestAccount, newEmail: string) =>
    postJson(suite.app, "/auth/email/change", { newEmail }, await account.auth());
  const confirm = (token: string) => postJson(suite.app, "/auth/email/change/confirm", { token });
  const userRow = (id: string) =>
    db()
      .selectFrom("users")
      .select(["email", "email_verified_at"])
      .where("id", "=", id)
      .executeTakeFirstOrThrow();

  it("mails a link to the new address; confirming switches, verifies and keeps sessions", async () => {
    const oldEmail = freshEmail();
    const account = await newAccount(oldEmail);
    const newEmail = freshEmail();
    const res = await change(account, newEmail);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: true });
    expect(mails.sent.at(-1)?.to).toBe(newEmail);
    expect(mails.sent.at(-1)?.html).toContain("/confirm-email#token=");
    expect((await userRow(account.userId)).email).toBe(oldEmail);

    const done = await confirm(mails.lastToken(newEmail));
    expect(done.status).toBe(200);
    expect(await done.json()).toEqual({ email: newEmail });
    const row = await userRow(account.userId);
    expect(row.email).toBe(newEmail);
    expect(row.email_verified_at).not.toBeNull();
    expect(mails.sent.at(-1)?.to).toBe(oldEmail);
    expect(mails.sent.at(-1)?.subject).toMatch(/changed/);
    expect((await suite.app.request("/auth/me", { headers: await account.auth() })).status).toBe(
      200,
    );
    const event = await db()
      .selectFrom("audit_events")
      .select(["actor_id", "data"])
      .where("action", "=", "user.email_changed")
      .where("target_id", "=", account.userId)
      .executeTakeFirstOrThrow();
    expect(event.actor_id).toBe(account.userId);
    expect(event.data).not.toContain(newEmail);
    expect(event.data).not.toContain(oldEmail);
  });

  it("answers a taken address exactly like a free one, and mails it a notice without a link", async () => {
    const taken = freshEmail();
    await newAccount(taken);
    const account = await newAccount();
    const free = await change(account, freshEmail());
    const sent = mails.sent.length;
    const used = await change(account, taken);
    expect([free.status, used.status]).toEqual([202, 202]);
    expect(await used.json()).toEqual(await free.json());
    expect(mails.sent.length).toBe(sent + 1);
    const notice = mails.sent.at(-1);
    expect(notice?.to).toBe(taken);
    expect(notice?.html).not.toContain("token=");
    const pending = await db()
      .selectFrom("email_changes")
      .select("new_email")
      .where("user_id", "=", account.userId)
      .execute();
    expect(pending.map((p) => p.new_email)).not.toContain(taken);
  });

  it("lets an account without an email add one, with no notice to send", async () => {
    const account = await newAccount(null);
    const newEmail = freshEmail();
    await change(account, newEmail);
    const sent = mails.sent.length;
    expect((await confirm(mails.lastToken(newEmail))).status).toBe(200);
    expect(mails.sent.length).toBe(sent);
    expect((await userRow(account.userId)).email).toBe(newEmail);
  });

  it("needs a step-up and writes nothing without one", async () => {
    const account = await registerAccount(
      suite.app,
      new SoftwareAuthenticator({ origin: TEST_ORIGIN }),
      { email: freshEmail() },
    );
    const before = await suite.count("email_changes");
    const res = await change(account, freshEmail());
    expect(res.status).toBe(401);
    expect(await codeOf(res)).toBe("auth.step_up_required");
    expect(await suite.count("email_changes")).toEqual(before);
  });

  it("accepts a link once", async () => {
    const account = await newAccount();
    const newEmail = freshEmail();
    await change(account, newEmail);
    const token = mails.lastToken(newEmail);
    expect((await confirm(token)).status).toBe(200);
    const again = await confirm(token);
    expect(again.status).toBe(400);
    expect(await codeOf(again)).toBe("email_change.token_invalid");
  });

  it("refuses an expired link", async () => {
    const account = await newAccount();
    const newEmail = freshEmail();
    await change(account, newEmail);
    suite.clock.advance(61 * 60_000);
    expect(await codeOf(await confirm(mails.lastToken(newEmail)))).toBe(
      "email_change.token_invalid",
    );
  });

  it("spends an earlier link when a new change is asked for", async () => {
    const account = await newAccount();
    const first = freshEmail();
    await change(account, first);
    const older = mails.lastToken(first);
    const second = freshEmail();
    await change(account, second);
    expect(await codeOf(await confirm(older))).toBe("email_change.token_invalid");
    expect((await confirm(mails.lastToken(second))).status).toBe(200);
  });

  it("refuses the link when the address was taken in between, changing nothing", async () => {
    const oldEmail = freshEmail();
    const account = await newAccount(oldEmail);
    const wanted = freshEmail();
    await change(account, wanted);
    const token = mails.lastToken(wanted);
    await newAccount(wanted);
    expect(await codeOf(await confirm(token))).toBe("email_change.token_invalid");
    expect((await userRow(account.userId)).email).toBe(oldEmail);
  });

  it("spends the reset and recovery links mailed to the old address", async () => {
    const account = await newAccount();
    await db()
      .insertInto("recovery_links")
      .values({
        id: "lpending",
        user_id: account.userId,
        token_hash: "x".repeat(64),
        expires_at: new Date(Date.now() + 3_600_000).toISOString(),
        used_at: null,
        created_at: new Date().toISOString(),
      })
      .execute();
    const newEmail = freshEmail();
    await change(account, newEmail);
    await confirm(mails.lastToken(newEmail));
    const link = await db()
      .selectFrom("recovery_links")
      .select("used_at")
      .where("id", "=", "lpending")
      .executeTakeFirstOrThrow();
    expect(link.used_at).not.toBeNull();
  });
});

describe.each(dialects)("email change limits on $name", (dialect) => {
  const mails = mailbox();
  const suite = useSuite(dialect, { mailer: mails, rateLimitRecoveryPerAccount: "2/1h" });

  it("limits the changes one user asks for", async () => {
    const account = await registerAccount(
      suite.app,
      new SoftwareAuthenticator({ origin: TEST_ORIGIN }),
      { email: freshEmail() },
    );
    await account.stepUp();
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      const res = await postJson(
        suite.app,
        "/auth/email/change",
        { newEmail: freshEmail() },
        await account.auth(),
      );
      statuses.push(res.status);
    }
    expect(statuses).toEqual([202, 202, 429]);
  });
});
