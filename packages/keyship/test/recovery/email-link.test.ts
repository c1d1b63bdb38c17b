import { describe, expect, it } from "vitest";
import { postJson } from "../helpers/app.ts";
import { SoftwareAuthenticator } from "../helpers/authenticator.ts";
import { dialects } from "../helpers/databases.ts";
import { codeOf, registerAccount, TEST_ORIGIN } from "../helpers/passkeys.ts";
import { useSuite } from "../helpers/suite.ts";
import { mailbox } from "../passwords/helpers.ts";
import { freshEmail, ROOMY_RECOVERY_LIMITS, recoverWith, startRecovery } from "./helpers.ts";

describe.each(dialects)("recovery by email on $name", (dialect) => {
  const mails = mailbox();
  const suite = useSuite(dialect, {
    mailer: mails,
    recoveryEmailEnabled: true,
    ...ROOMY_RECOVERY_LIMITS,
  });
  const ask = (email: string) => postJson(suite.app, "/auth/recovery/email", { email });
  const newAccount = async (email = freshEmail()) => ({
    email,
    account: await registerAccount(suite.app, new SoftwareAuthenticator({ origin: TEST_ORIGIN }), {
      email,
    }),
  });

  it("answers known and unknown emails the same, and mails only the known", async () => {
    const { email } = await newAccount();
    const sent = mails.sent.length;
    const known = await ask(email);
    const unknown = await ask(freshEmail());
    expect([known.status, unknown.status]).toEqual([202, 202]);
    expect(await known.json()).toEqual(await unknown.json());
    expect(mails.sent.length).toBe(sent + 1);
    expect(mails.sent.at(-1)?.to).toBe(email);
    expect(mails.sent.at(-1)?.html).toContain("/recover#token=");
  });

  it("leads to the new-passkey ceremony once, revokes the devices and notifies", async () => {
    const { email, account } = await newAccount();
    await ask(email);
    const token = mails.lastToken(email);
    const stored = await suite.app.keyship.db
      .selectFrom("recovery_links")
      .select("token_hash")
      .where("user_id", "=", account.userId)
      .execute();
    expect(JSON.stringify(stored)).not.toContain(token);
    const { res, signIn } = await recoverWith(suite.app, { token });
    expect(res.status).toBe(200);
    const recovered = await signIn();
    expect(recovered.userId).toBe(account.userId);
    expect((await suite.app.request("/auth/me", { headers: await account.auth() })).status).toBe(
      401,
    );
    expect(mails.sent.at(-1)?.subject).toMatch(/recovered/);
    const again = await startRecovery(suite.app, { token });
    expect(again.status).toBe(400);
    expect(await codeOf(again)).toBe("recovery.link_invalid");
    const [event] = await suite.app.keyship.db
      .selectFrom("audit_events")
      .select("data")
      .where("action", "=", "account.recovered")
      .where("target_id", "=", account.userId)
      .execute();
    expect(JSON.parse(event?.data ?? "{}")).toMatchObject({ method: "email" });
  });

  it("refuses an expired link", async () => {
    const { email } = await newAccount();
    await ask(email);
    const token = mails.lastToken(email);
    suite.clock.advance(16 * 60_000);
    expect(await codeOf(await startRecovery(suite.app, { token }))).toBe("recovery.link_invalid");
  });
});

describe.each(dialects)("recovery by email, off by default, on $name", (dialect) => {
  const mails = mailbox();
  const suite = useSuite(dialect, { mailer: mails, ...ROOMY_RECOVERY_LIMITS });

  it("mounts no recovery-email route and refuses link tokens", async () => {
    const res = await postJson(suite.app, "/auth/recovery/email", { email: freshEmail() });
    expect(res.status).toBe(404);
    const start = await startRecovery(suite.app, { token: "a".repeat(43) });
    expect(start.status).toBe(400);
    expect(await codeOf(start)).toBe("recovery.link_invalid");
  });
});
