/**
 * Strict input: names and emails refuse control and text-direction characters, every refusal
 * is a 400 `validation.failed` naming the field, the answer never echoes what was sent, and
 * nothing is written.
 */
import { describe, expect, it } from "vitest";
import { postJson } from "../helpers/app.ts";
import { SoftwareAuthenticator } from "../helpers/authenticator.ts";
import { dialects } from "../helpers/databases.ts";
import { loginAccount, registerAccount, TEST_ORIGIN } from "../helpers/passkeys.ts";
import { useSuite } from "../helpers/suite.ts";
import { mailbox } from "../passwords/helpers.ts";

const TABLES = ["users", "passkeys", "devices", "sessions", "webauthn_challenges"] as const;
const MARK = "zq9x";

describe.each(dialects)("input validation on $name", (dialect) => {
  const suite = useSuite(dialect, { passwordAuthEnabled: true, mailer: mailbox() });

  async function expectRefused(res: Response, field: string) {
    expect(res.status).toBe(400);
    const text = await res.text();
    const body = JSON.parse(text) as { code: string; errors: Array<{ path: string }> };
    expect(body.code).toBe("validation.failed");
    expect(body.errors.map((e) => e.path)).toContain(field);
    // SECURITY: a problem never echoes the input back.
    expect(text).not.toContain(MARK);
  }

  it.each([
    ["a right-to-left override", `Ada\u202E${MARK}`],
    ["a NUL", `Ada\u0000${MARK}`],
    ["a newline", `Ada\n${MARK}`],
    ["an escape sequence", `\u001b[31m${MARK}`],
    ["a C1 control", `Ada\u0085${MARK}`],
  ])("refuses a display name with %s", async (_name, displayName) => {
    const before = await suite.count(...TABLES);
    await expectRefused(
      await postJson(suite.app, "/auth/passkey/register/start", { displayName }),
      "displayName",
    );
    await expectRefused(
      await postJson(suite.app, "/auth/register", {
        email: `${MARK}@example.com`,
        password: "correct horse battery staple",
        displayName,
        session: "bearer",
      }),
      "displayName",
    );
    expect(await suite.count(...TABLES)).toEqual(before);
  });

  it("refuses an email with a control character", async () => {
    const before = await suite.count(...TABLES);
    await expectRefused(
      await postJson(suite.app, "/auth/passkey/register/start", { email: `a\u0007${MARK}@x.com` }),
      "email",
    );
    expect(await suite.count(...TABLES)).toEqual(before);
  });

  it("refuses a passkey name or device label with a control character", async () => {
    const authenticator = new SoftwareAuthenticator({ origin: TEST_ORIGIN });
    const account = await registerAccount(suite.app, authenticator);
    await account.stepUp();
    const rename = await suite.app.request(`/auth/passkeys/${account.passkeyId}`, {
      method: "PATCH",
      headers: { ...(await account.auth()), "content-type": "application/json" },
      body: JSON.stringify({ name: `Key\u2066${MARK}` }),
    });
    await expectRefused(rename, "name");
    const before = await suite.count(...TABLES);
    await expectRefused(
      await postJson(suite.app, "/auth/login", {
        email: "nobody@example.com",
        password: "whatever it is",
        session: "bearer",
        deviceLabel: `Laptop\r\n${MARK}`,
      }),
      "deviceLabel",
    );
    expect(await suite.count(...TABLES)).toEqual(before);
  });

  it("keeps ordinary names from every script, trimmed", async () => {
    const res = await postJson(suite.app, "/auth/passkey/register/start", {
      displayName: "  Zoë Ñúñez 山田 👩🏽‍💻  ",
    });
    expect(res.status).toBe(200);
    const { options } = (await res.json()) as { options: { user: { displayName: string } } };
    expect(options.user.displayName).toBe("Zoë Ñúñez 山田 👩🏽‍💻");
  });
});

describe.each(dialects)("the per-user device cap on $name", (dialect) => {
  const suite = useSuite(dialect, { maxDevicesPerUser: 3 });

  it("revokes the least recently used device beyond maxDevicesPerUser", async () => {
    const authenticator = new SoftwareAuthenticator({ origin: TEST_ORIGIN });
    const first = await registerAccount(suite.app, authenticator);
    const later = [];
    for (let i = 0; i < 3; i++) {
      suite.clock.advance(1000);
      later.push(await loginAccount(suite.app, authenticator));
    }
    const rows = await suite.app.keyship.db
      .selectFrom("devices")
      .select(["id", "revoked_at"])
      .where("user_id", "=", first.userId)
      .execute();
    const active = rows.filter((r) => r.revoked_at === null).map((r) => r.id);
    expect(active.sort()).toEqual(later.map((d) => d.deviceId).sort());
    // The oldest device's tokens stop working.
    const me = await suite.app.request("/auth/me", { headers: await first.auth() });
    expect(me.status).toBe(401);
  });
});
