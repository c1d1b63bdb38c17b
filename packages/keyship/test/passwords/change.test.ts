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
  PASSWORD,
  ROOMY_LIMITS,
  registerPasswordAccount,
} from "./helpers.ts";

const fresh = () => `c-${randomUUID()}@example.com`;

describe.each(dialects)("password change on $name", (dialect) => {
  const suite = useSuite(dialect, {
    passwordAuthEnabled: true,
    mailer: mailbox(),
    ...ROOMY_LIMITS,
  });
  const change = async (
    headers: Record<string, string>,
    currentPassword: string,
    newPassword: string,
  ) => postJson(suite.app, "/auth/password/change", { currentPassword, newPassword }, headers);

  it("needs a signed-in caller", async () => {
    const res = await change({}, PASSWORD, "another long passphrase");
    expect(res.status).toBe(401);
    expect(await codeOf(res)).toBe("auth.unauthenticated");
  });

  it("refuses a wrong current password and changes nothing", async () => {
    const email = fresh();
    const account = await registerPasswordAccount(suite.app, email);
    const res = await change(await account.auth(), "wrong password", "another long passphrase");
    expect(res.status).toBe(401);
    expect(await codeOf(res)).toBe("auth.invalid_credentials");
    await loginPasswordAccount(suite.app, email);
  });

  it("refuses a too-short new password", async () => {
    const account = await registerPasswordAccount(suite.app, fresh());
    const res = await change(await account.auth(), PASSWORD, "short");
    expect(await codeOf(res)).toBe("password.too_short");
  });

  it("changes the password and revokes every other device, keeping the caller's", async () => {
    const email = fresh();
    const other = await registerPasswordAccount(suite.app, email);
    const caller = await loginPasswordAccount(suite.app, email);
    const res = await change(await caller.auth(), PASSWORD, "another long passphrase");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ revokedDevices: 1 });
    expect((await suite.app.request("/auth/me", { headers: await other.auth() })).status).toBe(401);
    expect((await suite.app.request("/auth/me", { headers: await caller.auth() })).status).toBe(
      200,
    );
    expect(await codeOf(await login(suite.app, email))).toBe("auth.invalid_credentials");
    await loginPasswordAccount(suite.app, email, "another long passphrase");
  });
});
