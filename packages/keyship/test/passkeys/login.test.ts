import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { SoftwareAuthenticator } from "../helpers/authenticator.ts";
import { dialects } from "../helpers/databases.ts";
import {
  codeOf,
  finishLogin,
  loginAccount,
  registerAccount,
  startLogin,
  startRegistration,
  TEST_ORIGIN,
} from "../helpers/passkeys.ts";
import { useSuite } from "../helpers/suite.ts";

const TABLES = ["users", "passkeys", "devices"] as const;

describe.each(dialects)("passkey sign-in on $name", (dialect) => {
  const suite = useSuite(dialect);

  /** Makes every device insert fail as an unavailable database would, or stops it. */
  async function failDeviceInserts(on: boolean) {
    const db = suite.app.keyship.db;
    if (dialect.name === "sqlite") {
      await sql
        .raw(
          on
            ? "CREATE TRIGGER test_fail_devices BEFORE INSERT ON devices BEGIN SELECT RAISE(ABORT, 'database is locked'); END"
            : "DROP TRIGGER test_fail_devices",
        )
        .execute(db);
      return;
    }
    await sql
      .raw(
        on
          ? `CREATE FUNCTION test_fail_devices() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'starting up' USING ERRCODE = '57P03'; END $$;
             CREATE TRIGGER test_fail_devices BEFORE INSERT ON devices FOR EACH ROW EXECUTE FUNCTION test_fail_devices()`
          : "DROP TRIGGER test_fail_devices ON devices; DROP FUNCTION test_fail_devices()",
      )
      .execute(db);
  }

  async function registered() {
    const authenticator = new SoftwareAuthenticator({ origin: TEST_ORIGIN });
    const account = await registerAccount(suite.app, authenticator);
    return { authenticator, account };
  }

  it("signs in with a discoverable credential and binds a new device", async () => {
    const { authenticator, account } = await registered();
    const { options } = await startLogin(suite.app);
    expect(options.allowCredentials ?? []).toEqual([]);
    const session = await loginAccount(suite.app, authenticator);
    expect(session.userId).toBe(account.userId);
    expect(session.passkeyId).toBe(account.passkeyId);
    expect(session.deviceId).not.toBe(account.deviceId);
    const passkey = await suite.app.keyship.db
      .selectFrom("passkeys")
      .select(["counter", "last_used_at"])
      .where("id", "=", account.passkeyId)
      .executeTakeFirstOrThrow();
    expect(Number(passkey.counter)).toBe(1);
    expect(passkey.last_used_at).not.toBeNull();
  });

  it("accepts authenticators whose counter stays 0", async () => {
    const authenticator = new SoftwareAuthenticator({ origin: TEST_ORIGIN, counterMode: "zero" });
    const account = await registerAccount(suite.app, authenticator);
    await loginAccount(suite.app, authenticator);
    await expect(loginAccount(suite.app, authenticator)).resolves.toMatchObject({
      userId: account.userId,
      passkeyId: account.passkeyId,
    });
  });

  it("refuses a counter that went backwards", async () => {
    const { authenticator } = await registered();
    await loginAccount(suite.app, authenticator);
    await loginAccount(suite.app, authenticator);
    const before = await suite.count(...TABLES);
    const { flowId, options } = await startLogin(suite.app);
    const res = await finishLogin(
      suite.app,
      flowId,
      authenticator.getAssertion(options, { counter: 1 }),
    );
    expect(res.status).toBe(401);
    expect(await codeOf(res)).toBe("passkey.counter_regression");
    expect(await suite.count(...TABLES)).toEqual(before);
  });

  it("refuses an unknown credential without a hint", async () => {
    const stranger = new SoftwareAuthenticator({ origin: TEST_ORIGIN });
    // A credential created for a ceremony that never finished: the server has never seen it.
    stranger.createCredential((await startRegistration(suite.app)).options);
    const { flowId, options } = await startLogin(suite.app);
    const res = await finishLogin(suite.app, flowId, stranger.getAssertion(options));
    expect(res.status).toBe(401);
    expect(await codeOf(res)).toBe("passkey.unknown_credential");
  });

  it("refuses a disabled user's passkey the same way", async () => {
    const { authenticator, account } = await registered();
    await suite.app.keyship.db
      .updateTable("users")
      .set({ disabled_at: new Date().toISOString() })
      .where("id", "=", account.userId)
      .execute();
    const { flowId, options } = await startLogin(suite.app);
    const res = await finishLogin(suite.app, flowId, authenticator.getAssertion(options));
    expect(res.status).toBe(401);
    expect(await codeOf(res)).toBe("passkey.unknown_credential");
  });

  type Attack = [string, Parameters<SoftwareAuthenticator["getAssertion"]>[1], number, string];
  const attacks: Attack[] = [
    ["a wrong origin", { origin: "https://evil.example" }, 400, "passkey.verification_failed"],
    ["a wrong rpId hash", { rpId: "evil.example" }, 400, "passkey.verification_failed"],
    [
      "a cross-origin frame",
      { crossOrigin: true, topOrigin: "https://evil.example" },
      400,
      "passkey.verification_failed",
    ],
    [
      "another user's handle",
      { userHandle: Buffer.from("u-someone-else").toString("base64url") },
      400,
      "passkey.verification_failed",
    ],
    ["a tampered signature", { tamperSignature: true }, 400, "passkey.verification_failed"],
    ["another challenge", { challenge: "AAAA" }, 400, "passkey.verification_failed"],
  ];

  it.each(attacks)("refuses %s and writes nothing", async (_name, overrides, status, code) => {
    const { authenticator } = await registered();
    const before = await suite.count(...TABLES);
    const { flowId, options } = await startLogin(suite.app);
    const res = await finishLogin(
      suite.app,
      flowId,
      authenticator.getAssertion(options, overrides),
    );
    expect(res.status).toBe(status);
    expect(await codeOf(res)).toBe(code);
    expect(await suite.count(...TABLES)).toEqual(before);
  });

  it("refuses a replayed sign-in", async () => {
    const { authenticator } = await registered();
    const { flowId, options } = await startLogin(suite.app);
    const assertion = authenticator.getAssertion(options);
    expect((await finishLogin(suite.app, flowId, assertion)).status).toBe(200);
    const replay = await finishLogin(suite.app, flowId, assertion);
    expect(replay.status).toBe(400);
    expect(await codeOf(replay)).toBe("passkey.challenge_invalid");
  });

  it("spends the challenge on a failed finish: no retry with another assertion", async () => {
    const { authenticator } = await registered();
    const { flowId, options } = await startLogin(suite.app);
    const stranger = new SoftwareAuthenticator({ origin: TEST_ORIGIN });
    stranger.createCredential((await startRegistration(suite.app)).options);
    const failed = await finishLogin(suite.app, flowId, stranger.getAssertion(options));
    expect(await codeOf(failed)).toBe("passkey.unknown_credential");
    const retry = await finishLogin(suite.app, flowId, authenticator.getAssertion(options));
    expect(retry.status).toBe(400);
    expect(await codeOf(retry)).toBe("passkey.challenge_invalid");
  });

  it("leaves the flow of a finish answered 503 for a retry, and writes nothing of it", async () => {
    const { authenticator, account } = await registered();
    const { flowId, options } = await startLogin(suite.app);
    const assertion = authenticator.getAssertion(options);
    const before = await suite.count(...TABLES, "audit_events");
    // A real fault inside the finish's transaction: binding the device fails as a database
    // that cannot serve would (SQLite's "database is locked", PostgreSQL's 57P03).
    await failDeviceInserts(true);
    try {
      const down = await finishLogin(suite.app, flowId, assertion);
      expect(down.status).toBe(503);
      expect(await codeOf(down)).toBe("service_unavailable");
    } finally {
      await failDeviceInserts(false);
    }
    expect(await suite.count(...TABLES, "audit_events")).toEqual(before);
    const retry = await finishLogin(suite.app, flowId, assertion);
    expect(retry.status).toBe(200);
    expect(((await retry.json()) as { userId: string }).userId).toBe(account.userId);
    expect(await codeOf(await finishLogin(suite.app, flowId, assertion))).toBe(
      "passkey.challenge_invalid",
    );
  });

  it("spends the flow of a refused assertion: no retry with the right one", async () => {
    const { authenticator } = await registered();
    const { flowId, options } = await startLogin(suite.app);
    const good = authenticator.getAssertion(options);
    const forged = {
      ...good,
      response: { ...good.response, signature: good.response.authenticatorData },
    };
    expect(await codeOf(await finishLogin(suite.app, flowId, forged))).toBe(
      "passkey.verification_failed",
    );
    const retry = await finishLogin(suite.app, flowId, good);
    expect(retry.status).toBe(400);
    expect(await codeOf(retry)).toBe("passkey.challenge_invalid");
  });

  it("refuses an expired sign-in challenge", async () => {
    const { authenticator } = await registered();
    const { flowId, options } = await startLogin(suite.app);
    suite.clock.advance(301_000);
    try {
      const res = await finishLogin(suite.app, flowId, authenticator.getAssertion(options));
      expect(await codeOf(res)).toBe("passkey.challenge_invalid");
    } finally {
      suite.clock.advance(-301_000);
    }
  });

  it("refuses a registration flow id used for sign-in", async () => {
    const { authenticator } = await registered();
    const { flowId } = await startRegistration(suite.app);
    const { options } = await startLogin(suite.app);
    const res = await finishLogin(suite.app, flowId, authenticator.getAssertion(options));
    expect(await codeOf(res)).toBe("passkey.challenge_invalid");
  });
});

describe.each(dialects)("passkey sign-in with user verification required on $name", (dialect) => {
  const suite = useSuite(dialect, { userVerification: "required" });

  it("refuses an assertion without user verification", async () => {
    const authenticator = new SoftwareAuthenticator({ origin: TEST_ORIGIN });
    await registerAccount(suite.app, authenticator);
    const { flowId, options } = await startLogin(suite.app);
    const res = await finishLogin(
      suite.app,
      flowId,
      authenticator.getAssertion(options, { userVerified: false }),
    );
    expect(res.status).toBe(400);
    expect(await codeOf(res)).toBe("passkey.user_verification_required");
  });
});
