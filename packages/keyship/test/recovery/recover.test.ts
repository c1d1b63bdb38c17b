import { describe, expect, it } from "vitest";
import { postJson } from "../helpers/app.ts";
import { SoftwareAuthenticator } from "../helpers/authenticator.ts";
import { dialects } from "../helpers/databases.ts";
import { codeOf, loginAccount, TEST_ORIGIN } from "../helpers/passkeys.ts";
import { bearer, refresh } from "../helpers/sessions.ts";
import { useSuite } from "../helpers/suite.ts";
import { mailbox, problemWithoutTrace } from "../passwords/helpers.ts";
import {
  accountWithCodes,
  freshEmail,
  ROOMY_RECOVERY_LIMITS,
  recoverWith,
  startedRecovery,
  startRecovery,
} from "./helpers.ts";

describe.each(dialects)("recovering an account with a code on $name", (dialect) => {
  const mails = mailbox();
  const suite = useSuite(dialect, { mailer: mails, ...ROOMY_RECOVERY_LIMITS });
  const db = () => suite.app.keyship.db;
  const events = (userId: string, action: string) =>
    db()
      .selectFrom("audit_events")
      .select(["outcome", "data", "actor_id"])
      .where("target_id", "=", userId)
      .where("action", "=", action)
      .execute();

  it("registers a new passkey, binds the device and answers like a passkey sign-in", async () => {
    const { email, account, codes } = await accountWithCodes(suite.app);
    const { res, signIn } = await recoverWith(suite.app, { email, code: codes[3] });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(["deviceId", "passkeyId", "userId"]);
    expect(body.userId).toBe(account.userId);
    const recovered = await signIn();
    const me = await suite.app.request("/auth/me", { headers: await recovered.auth() });
    expect(me.status).toBe(200);
  });

  it("spends the code, revokes every other device and session, and mails the account", async () => {
    const { email, account, authenticator, codes } = await accountWithCodes(suite.app);
    const other = await loginAccount(suite.app, authenticator);
    const { flowId, options } = await (async () => {
      const res = await postJson(suite.app, "/auth/passkey/login/start", {});
      return (await res.json()) as { flowId: string; options: never };
    })();
    const withSession = await postJson(suite.app, "/auth/passkey/login/finish", {
      flowId,
      credential: authenticator.getAssertion(options),
      session: "bearer",
    });
    const session = (await withSession.json()) as {
      sessionId: string;
      accessToken: string;
      refreshToken: string;
    };
    const sent = mails.sent.length;

    const { res, signIn } = await recoverWith(suite.app, { email, code: codes[0] });
    expect(res.status).toBe(200);
    const recovered = await signIn();

    for (const old of [account, other]) {
      const me = await suite.app.request("/auth/me", { headers: await old.auth() });
      expect(me.status).toBe(401);
    }
    expect(
      (await suite.app.request("/auth/me", { headers: bearer(session.accessToken) })).status,
    ).toBe(401);
    expect((await refresh(suite.app, session.refreshToken)).status).toBe(401);
    const left = await suite.app.request("/auth/recovery-codes", {
      headers: await recovered.auth(),
    });
    expect(await left.json()).toMatchObject({ remaining: 9 });
    expect(mails.sent.length).toBe(sent + 1);
    expect(mails.sent.at(-1)?.to).toBe(email);
    expect(mails.sent.at(-1)?.subject).toMatch(/recovered/);

    const again = await startRecovery(suite.app, { email, code: codes[0] });
    expect(again.status).toBe(401);
    expect(await codeOf(again)).toBe("recovery.code_invalid");

    const [event] = await events(account.userId, "account.recovered");
    expect(event?.actor_id).toBe(account.userId);
    expect(JSON.parse(event?.data ?? "{}")).toMatchObject({
      method: "code",
      codesLeft: 9,
      deviceId: recovered.deviceId,
    });
    const revoked = await db()
      .selectFrom("audit_events")
      .select(["action", "data"])
      .where("action", "in", ["device.revoked", "session.revoked"])
      .where("target_id", "in", [account.deviceId, other.deviceId, session.sessionId])
      .execute();
    expect(revoked.map((row) => row.action).sort()).toEqual([
      "device.revoked",
      "device.revoked",
      "session.revoked",
    ]);
    for (const row of revoked) expect(JSON.parse(row.data)).toEqual({ reason: "recovery" });
  });

  it("lets the new passkey sign in again, and keeps the old passkey rows", async () => {
    const { email, account, codes } = await accountWithCodes(suite.app);
    const { res, authenticator } = await recoverWith(suite.app, { email, code: codes[1] });
    expect(res.status).toBe(200);
    const again = await loginAccount(suite.app, authenticator);
    expect(again.userId).toBe(account.userId);
    const passkeys = await db()
      .selectFrom("passkeys")
      .select("revoked_at")
      .where("user_id", "=", account.userId)
      .execute();
    expect(passkeys).toHaveLength(2);
  });

  it("accepts a code typed in upper case, with spaces instead of dashes", async () => {
    const { email, codes } = await accountWithCodes(suite.app);
    const typed = (codes[2] as string).toUpperCase().replaceAll("-", " ");
    expect(
      (await startRecovery(suite.app, { email: email.toUpperCase(), code: typed })).status,
    ).toBe(200);
  });

  it("answers an unknown email exactly like a wrong, malformed or used code", async () => {
    const { email, codes } = await accountWithCodes(suite.app);
    const used = await recoverWith(suite.app, { email, code: codes[5] });
    expect(used.res.status).toBe(200);
    const answers = [];
    for (const body of [
      { email: freshEmail(), code: codes[6] },
      { email, code: "0000-0000-0000-0000" },
      { email, code: "not a code" },
      { email, code: codes[5] },
    ]) {
      const res = await startRecovery(suite.app, body);
      answers.push({
        status: res.status,
        type: res.headers.get("content-type"),
        body: await problemWithoutTrace(res),
      });
    }
    expect(answers[0]?.status).toBe(401);
    expect(answers[0]?.body.code).toBe("recovery.code_invalid");
    for (const answer of answers) expect(answer).toEqual(answers[0]);
  });

  it("records each refused code as account.recovery_failed, with the account when known", async () => {
    const { email, account } = await accountWithCodes(suite.app);
    await startRecovery(suite.app, { email, code: "0000-0000-0000-0000" });
    const [row] = await events(account.userId, "account.recovery_failed");
    expect(row?.outcome).toBe("failure");
    expect(JSON.parse(row?.data ?? "{}")).toEqual({ method: "code", reason: "code_invalid" });
  });

  it("refuses a disabled account like an unknown one", async () => {
    const { email, account, codes } = await accountWithCodes(suite.app);
    await db()
      .updateTable("users")
      .set({ disabled_at: new Date().toISOString() })
      .where("id", "=", account.userId)
      .execute();
    const res = await startRecovery(suite.app, { email, code: codes[0] });
    expect(res.status).toBe(401);
    expect(await codeOf(res)).toBe("recovery.code_invalid");
  });

  it("lets only one of two recoveries started with the same code finish", async () => {
    const { email, codes } = await accountWithCodes(suite.app);
    const first = await startedRecovery(suite.app, { email, code: codes[7] });
    const second = await recoverWith(suite.app, { email, code: codes[7] });
    expect(second.res.status).toBe(200);
    const late = await postJson(suite.app, "/auth/recovery/finish", {
      flowId: first.flowId,
      credential: new SoftwareAuthenticator({ origin: TEST_ORIGIN }).createCredential(
        first.options,
      ),
      session: "bearer",
    });
    expect(late.status).toBe(401);
    expect(await codeOf(late)).toBe("recovery.code_invalid");
  });

  it("keeps the code when the new passkey fails verification, and spends the ceremony", async () => {
    const { email, account, codes } = await accountWithCodes(suite.app);
    const { flowId, options } = await startedRecovery(suite.app, { email, code: codes[8] });
    const wrongOrigin = new SoftwareAuthenticator({ origin: "http://evil.example" });
    const finish = (credential: unknown) =>
      postJson(suite.app, "/auth/recovery/finish", { flowId, credential, session: "bearer" });
    const res = await finish(wrongOrigin.createCredential(options));
    expect(res.status).toBe(400);
    expect(await codeOf(res)).toBe("passkey.verification_failed");
    const retry = await finish(
      new SoftwareAuthenticator({ origin: TEST_ORIGIN }).createCredential(options),
    );
    expect(await codeOf(retry)).toBe("passkey.challenge_invalid");
    const me = await suite.app.request("/auth/me", { headers: await account.auth() });
    expect(me.status).toBe(200);
    expect((await recoverWith(suite.app, { email, code: codes[8] })).res.status).toBe(200);
  });

  it("excludes the account's active passkeys from the new passkey's options", async () => {
    const { email, codes, authenticator } = await accountWithCodes(suite.app);
    const { options } = await startedRecovery(suite.app, { email, code: codes[9] });
    expect(options.excludeCredentials).toHaveLength(1);
    expect(() => authenticator.createCredential(options)).toThrow();
  });

  it.each([
    [{ email: "a@example.com" }],
    [{ code: "0000-0000-0000-0000" }],
    [{ email: "a@example.com", code: "x", extra: 1 }],
    [{ token: "short" }],
  ])("refuses a malformed start body %j with validation.failed", async (body) => {
    const res = await startRecovery(suite.app, body);
    expect(res.status).toBe(400);
    expect(await codeOf(res)).toBe("validation.failed");
  });
});

describe.each(dialects)("recovery rate limits on $name", (dialect) => {
  const suite = useSuite(dialect, {
    rateLimitRecoveryPerAccount: "3/1h",
    rateLimitRecoveryPerIp: "8/1h",
  });

  it("limits wrong codes per account, and an unknown email exactly the same", async () => {
    const { email, codes } = await accountWithCodes(suite.app);
    const unknown = freshEmail();
    for (let i = 0; i < 3; i++) {
      await startRecovery(suite.app, { email, code: "0000-0000-0000-0000" });
      await startRecovery(suite.app, { email: unknown, code: "0000-0000-0000-0000" });
    }
    const known = await startRecovery(suite.app, { email, code: codes[0] });
    const other = await startRecovery(suite.app, { email: unknown, code: codes[0] });
    expect([known.status, other.status]).toEqual([429, 429]);
    expect(await problemWithoutTrace(known)).toEqual(await problemWithoutTrace(other));
    expect(known.headers.get("retry-after")).toBe(other.headers.get("retry-after"));
    suite.clock.advance(3_600_000);
    expect((await startRecovery(suite.app, { email, code: codes[0] })).status).toBe(200);
  });

  it("limits attempts per client IP across accounts", async () => {
    suite.clock.advance(3_600_000);
    const ip = { "x-forwarded-for": "203.0.113.9" };
    const statuses = [];
    for (let i = 0; i < 9; i++) {
      const res = await postJson(
        suite.app,
        "/auth/recovery/start",
        { email: freshEmail(), code: "0000-0000-0000-0000" },
        ip,
      );
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 8)).toEqual(Array(8).fill(401));
    expect(statuses[8]).toBe(429);
  });
});
