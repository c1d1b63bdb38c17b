/**
 * Password attacks (guessing, bogus reset tokens, a change without the current password) and
 * races (two finishes of one ceremony): each refused with its status and code, and the auth
 * tables unchanged by the refused attempt.
 */
import { describe, expect, it } from "vitest";
import { postJson } from "../helpers/app.ts";
import { SoftwareAuthenticator } from "../helpers/authenticator.ts";
import { dialects } from "../helpers/databases.ts";
import {
  codeOf,
  newDeviceKey,
  registerAccount,
  startLogin,
  TEST_ORIGIN,
} from "../helpers/passkeys.ts";
import { authSnapshot } from "../helpers/snapshot.ts";
import { useSuite } from "../helpers/suite.ts";
import { mailbox, PASSWORD, registerPasswordAccount } from "../passwords/helpers.ts";

describe.each(dialects)("password attacks and races on $name", (dialect) => {
  const suite = useSuite(dialect, { passwordAuthEnabled: true, mailer: mailbox() });

  async function expectRefused(res: Response, status: number, code: string, before: string) {
    expect(res.status).toBe(status);
    expect(await codeOf(res)).toBe(code);
    expect(await authSnapshot(suite.app)).toBe(before);
  }

  it("answers a wrong password and an unknown email alike, writing nothing", async () => {
    const email = `guess-${Date.now()}@example.com`;
    await registerPasswordAccount(suite.app, email);
    const before = await authSnapshot(suite.app);
    const attempt = (who: string) =>
      postJson(suite.app, "/auth/login", {
        email: who,
        password: "not the password at all",
        devicePublicKey: newDeviceKey().publicJwk,
      });
    const wrong = await attempt(email);
    const unknown = await attempt(`nobody-${Date.now()}@example.com`);
    await expectRefused(wrong, 401, "auth.invalid_credentials", before);
    await expectRefused(unknown, 401, "auth.invalid_credentials", before);
  });

  it("refuses a made-up reset token, writing nothing", async () => {
    const before = await authSnapshot(suite.app);
    const res = await postJson(suite.app, "/auth/password-reset/confirm", {
      token: "A".repeat(43),
      newPassword: "a brand new long passphrase",
    });
    await expectRefused(res, 400, "password.token_invalid", before);
  });

  it("refuses a password change with a wrong current password, writing nothing", async () => {
    const account = await registerPasswordAccount(suite.app, `change-${Date.now()}@example.com`);
    await suite.app.request("/auth/me", { headers: await account.auth() });
    const before = await authSnapshot(suite.app);
    const res = await postJson(
      suite.app,
      "/auth/password/change",
      { currentPassword: `${PASSWORD}!`, newPassword: "a brand new long passphrase" },
      await account.auth(),
    );
    await expectRefused(res, 401, "auth.invalid_credentials", before);
  });

  it("lets exactly one of two concurrent sign-in finishes with one flow id through", async () => {
    const authenticator = new SoftwareAuthenticator({ origin: TEST_ORIGIN });
    await registerAccount(suite.app, authenticator);
    const { flowId, options } = await startLogin(suite.app);
    const credential = authenticator.getAssertion(options);
    const finish = () =>
      postJson(suite.app, "/auth/passkey/login/finish", {
        flowId,
        credential,
        devicePublicKey: newDeviceKey().publicJwk,
      });
    const answers = await Promise.all([finish(), finish()]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 400]);
    const loser = answers.find((r) => r.status === 400) as Response;
    expect(await codeOf(loser)).toBe("passkey.challenge_invalid");
  });

  it("lets exactly one of two concurrent step-up finishes with one flow id through", async () => {
    const authenticator = new SoftwareAuthenticator({ origin: TEST_ORIGIN });
    const account = await registerAccount(suite.app, authenticator);
    const start = await postJson(suite.app, "/auth/step-up/start", {}, await account.auth());
    const { flowId, options } = (await start.json()) as { flowId: string; options: never };
    const credential = authenticator.getAssertion(options);
    const finish = async () =>
      postJson(suite.app, "/auth/step-up/finish", { flowId, credential }, await account.auth());
    const answers = await Promise.all([finish(), finish()]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 400]);
  });
});
