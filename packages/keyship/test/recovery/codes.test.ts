import { describe, expect, it } from "vitest";
import { postJson } from "../helpers/app.ts";
import { SoftwareAuthenticator } from "../helpers/authenticator.ts";
import { dialects } from "../helpers/databases.ts";
import { codeOf, registerAccount, TEST_ORIGIN } from "../helpers/passkeys.ts";
import { useSuite } from "../helpers/suite.ts";
import { accountWithCodes, freshEmail, ROOMY_RECOVERY_LIMITS, startRecovery } from "./helpers.ts";

describe.each(dialects)("recovery codes on $name", (dialect) => {
  const suite = useSuite(dialect, ROOMY_RECOVERY_LIMITS);
  const left = async (headers: Record<string, string>) =>
    suite.app.request("/auth/recovery-codes", { headers });

  it("creates ten distinct codes once and stores only their hashes", async () => {
    const { account, codes } = await accountWithCodes(suite.app);
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[0-9a-z]{4}(-[0-9a-z]{4}){3}$/);
    const rows = await suite.app.keyship.db
      .selectFrom("recovery_codes")
      .select(["code_hash", "used_at"])
      .where("user_id", "=", account.userId)
      .execute();
    expect(rows).toHaveLength(10);
    const stored = JSON.stringify(rows);
    for (const code of codes) {
      expect(stored).not.toContain(code);
      expect(stored).not.toContain(code.replaceAll("-", ""));
    }
    const res = await left(await account.auth());
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ remaining: 10, createdAt: expect.any(String) });
  });

  it("records account.recovery_codes_created with the user as target", async () => {
    const { account } = await accountWithCodes(suite.app);
    const event = await suite.app.keyship.db
      .selectFrom("audit_events")
      .select(["actor_id", "target_id", "data", "outcome"])
      .where("action", "=", "account.recovery_codes_created")
      .where("target_id", "=", account.userId)
      .executeTakeFirstOrThrow();
    expect(event).toMatchObject({ actor_id: account.userId, outcome: "success" });
    expect(JSON.parse(event.data)).toEqual({ count: 10 });
  });

  it("replaces the earlier codes: they no longer recover the account", async () => {
    const first = await accountWithCodes(suite.app);
    const res = await postJson(suite.app, "/auth/recovery-codes", {}, await first.account.auth());
    expect(res.status).toBe(201);
    const { codes } = (await res.json()) as { codes: string[] };
    expect(codes).not.toContain(first.codes[0]);
    const old = await startRecovery(suite.app, { email: first.email, code: first.codes[0] });
    expect(await codeOf(old)).toBe("recovery.code_invalid");
    const fresh = await startRecovery(suite.app, { email: first.email, code: codes[0] });
    expect(fresh.status).toBe(200);
    expect(await (await left(await first.account.auth())).json()).toMatchObject({ remaining: 10 });
  });

  it("needs a step-up and writes nothing without one", async () => {
    const authenticator = new SoftwareAuthenticator({ origin: TEST_ORIGIN });
    const account = await registerAccount(suite.app, authenticator, { email: freshEmail() });
    const before = await suite.count("recovery_codes");
    const res = await postJson(suite.app, "/auth/recovery-codes", {}, await account.auth());
    expect(res.status).toBe(401);
    expect(await codeOf(res)).toBe("auth.step_up_required");
    expect(await suite.count("recovery_codes")).toEqual(before);
    expect(await (await left(await account.auth())).json()).toEqual({
      remaining: 0,
      createdAt: null,
    });
  });

  it("refuses an account without an email address (recovery asks for it)", async () => {
    const account = await registerAccount(
      suite.app,
      new SoftwareAuthenticator({ origin: TEST_ORIGIN }),
    );
    await account.stepUp();
    const res = await postJson(suite.app, "/auth/recovery-codes", {}, await account.auth());
    expect(res.status).toBe(409);
    expect(await codeOf(res)).toBe("recovery.no_email");
  });

  it.each([
    ["POST", "/auth/recovery-codes"],
    ["GET", "/auth/recovery-codes"],
  ])("answers %s %s 401 without a caller", async (method, path) => {
    const res = await suite.app.request(path, {
      method,
      headers: { "content-type": "application/json" },
      ...(method === "POST" ? { body: "{}" } : {}),
    });
    expect(res.status).toBe(401);
    expect(await codeOf(res)).toBe("auth.unauthenticated");
  });
});
