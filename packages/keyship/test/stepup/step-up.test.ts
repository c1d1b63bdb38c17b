/**
 * Step-up: a stolen device or access token (valid for minutes) must not turn into a
 * permanent takeover. Sensitive actions need a fresh, user-verified passkey assertion made
 * from the calling device or session; without one they answer 401 auth.step_up_required and
 * change nothing.
 */
import { describe, expect, it } from "vitest";
import { postJson } from "../helpers/app.ts";
import { SoftwareAuthenticator } from "../helpers/authenticator.ts";
import { dialects } from "../helpers/databases.ts";
import {
  codeOf,
  loginAccount,
  registerAccount,
  stepUpWith,
  TEST_ORIGIN,
  type TestAccount,
} from "../helpers/passkeys.ts";
import { bearer, registerWithSession } from "../helpers/sessions.ts";
import { useSuite } from "../helpers/suite.ts";
import { mailbox, PASSWORD, registerPasswordAccount } from "../passwords/helpers.ts";

const TABLES = ["passkeys", "devices", "sessions", "webauthn_challenges", "step_ups"] as const;

describe.each(dialects)("step-up on $name", (dialect) => {
  const suite = useSuite(dialect, { passwordAuthEnabled: true, mailer: mailbox() });
  const newAuthenticator = () => new SoftwareAuthenticator({ origin: TEST_ORIGIN });

  async function expectStepUpRequired(res: Response) {
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe(
      'Bearer error="insufficient_user_authentication", max_age=300',
    );
    expect(await res.json()).toMatchObject({
      code: "auth.step_up_required",
      step_up: { start: "/auth/step-up/start", finish: "/auth/step-up/finish" },
    });
  }

  const sensitive: Array<[string, (a: TestAccount) => Promise<Response>]> = [
    [
      "adding a passkey",
      async (a) => postJson(suite.app, "/auth/passkey/add/start", {}, await a.auth()),
    ],
    [
      "renaming a passkey",
      async (a) =>
        suite.app.request(`/auth/passkeys/${a.passkeyId}`, {
          method: "PATCH",
          headers: { ...(await a.auth()), "content-type": "application/json" },
          body: JSON.stringify({ name: "stolen" }),
        }),
    ],
    [
      "revoking a passkey",
      async (a) => postJson(suite.app, `/auth/passkeys/${a.passkeyId}/revoke`, {}, await a.auth()),
    ],
    [
      "revoking another device",
      async (a) => postJson(suite.app, `/auth/devices/${a.deviceId}/revoke`, {}, await a.auth()),
    ],
    [
      "revoking the other devices",
      async (a) => postJson(suite.app, "/auth/devices/revoke-others", {}, await a.auth()),
    ],
    [
      "revoking a session",
      async (a) => postJson(suite.app, "/auth/sessions/s-unknown/revoke", {}, await a.auth()),
    ],
  ];

  it.each(sensitive)("refuses %s without a step-up, changing nothing", async (_name, act) => {
    const account = await registerAccount(suite.app, newAuthenticator());
    const before = await suite.count(...TABLES);
    await expectStepUpRequired(await act(account));
    expect(await suite.count(...TABLES)).toEqual(before);
  });

  it("lets the same device add a passkey right after a step-up", async () => {
    const account = await registerAccount(suite.app, newAuthenticator());
    await account.stepUp();
    const res = await postJson(suite.app, "/auth/passkey/add/start", {}, await account.auth());
    expect(res.status).toBe(200);
  });

  it("marks only the calling device: another device of the user is not stepped up", async () => {
    const authenticator = newAuthenticator();
    const first = await registerAccount(suite.app, authenticator);
    const second = await loginAccount(suite.app, authenticator);
    await first.stepUp();
    await expectStepUpRequired(
      await postJson(suite.app, "/auth/passkey/add/start", {}, await second.auth()),
    );
  });

  it("expires after stepUpMaxAgeSeconds", async () => {
    const account = await registerAccount(suite.app, newAuthenticator());
    await account.stepUp();
    suite.clock.advance(301_000);
    await expectStepUpRequired(
      await postJson(suite.app, "/auth/passkey/add/start", {}, await account.auth()),
    );
  });

  it("steps up a server-issued session too", async () => {
    const { authenticator, body } = await registerWithSession(suite.app, "bearer");
    const headers = bearer(body.accessToken);
    await expectStepUpRequired(await postJson(suite.app, "/auth/passkey/add/start", {}, headers));
    await stepUpWith(suite.app, authenticator, headers);
    expect((await postJson(suite.app, "/auth/passkey/add/start", {}, headers)).status).toBe(200);
  });

  it("offers only the caller's passkeys and requires user verification", async () => {
    const authenticator = newAuthenticator();
    const account = await registerAccount(suite.app, authenticator);
    const res = await postJson(suite.app, "/auth/step-up/start", {}, await account.auth());
    const { options } = (await res.json()) as {
      options: { userVerification: string; allowCredentials: Array<{ id: string }> };
    };
    expect(options.userVerification).toBe("required");
    expect(options.allowCredentials.map((c) => c.id)).toEqual([
      authenticator.listCredentials()[0]?.id,
    ]);
  });

  it("refuses an assertion without user verification, and spends the challenge", async () => {
    const authenticator = newAuthenticator();
    const account = await registerAccount(suite.app, authenticator);
    const start = await postJson(suite.app, "/auth/step-up/start", {}, await account.auth());
    const { flowId, options } = (await start.json()) as { flowId: string; options: never };
    const unverified = authenticator.getAssertion(options, { userVerified: false });
    const first = await postJson(
      suite.app,
      "/auth/step-up/finish",
      { flowId, credential: unverified },
      await account.auth(),
    );
    expect(first.status).toBe(400);
    expect(await codeOf(first)).toBe("passkey.user_verification_required");
    // The failed finish spent the flow: a good assertion cannot retry it.
    const retry = await postJson(
      suite.app,
      "/auth/step-up/finish",
      { flowId, credential: authenticator.getAssertion(options) },
      await account.auth(),
    );
    expect(await codeOf(retry)).toBe("passkey.challenge_invalid");
    await expectStepUpRequired(
      await postJson(suite.app, "/auth/passkey/add/start", {}, await account.auth()),
    );
  });

  it("refuses another user's passkey", async () => {
    const alice = await registerAccount(suite.app, newAuthenticator());
    const bobsAuthenticator = newAuthenticator();
    await registerAccount(suite.app, bobsAuthenticator);
    const start = await postJson(suite.app, "/auth/step-up/start", {}, await alice.auth());
    const { flowId, options } = (await start.json()) as { flowId: string; options: never };
    const before = await suite.count("step_ups");
    const res = await postJson(
      suite.app,
      "/auth/step-up/finish",
      {
        flowId,
        credential: bobsAuthenticator.getAssertion(options, { ignoreAllowCredentials: true }),
      },
      await alice.auth(),
    );
    expect(res.status).toBe(401);
    expect(await codeOf(res)).toBe("passkey.unknown_credential");
    expect(await suite.count("step_ups")).toEqual(before);
    await expectStepUpRequired(
      await postJson(suite.app, "/auth/devices/revoke-others", {}, await alice.auth()),
    );
  });

  it("steps an account without a passkey up with its password", async () => {
    const account = await registerPasswordAccount(suite.app, `p-${Date.now()}@example.com`);
    const noPasskey = await postJson(suite.app, "/auth/step-up/start", {}, await account.auth());
    expect(noPasskey.status).toBe(409);
    expect(await codeOf(noPasskey)).toBe("auth.step_up_no_passkey");
    const wrong = await postJson(
      suite.app,
      "/auth/step-up/password",
      { password: "not the password" },
      await account.auth(),
    );
    expect(await codeOf(wrong)).toBe("auth.invalid_credentials");
    await expectStepUpRequired(
      await postJson(suite.app, "/auth/devices/revoke-others", {}, await account.auth()),
    );
    const right = await postJson(
      suite.app,
      "/auth/step-up/password",
      { password: PASSWORD },
      await account.auth(),
    );
    expect(right.status).toBe(200);
    expect(
      (await postJson(suite.app, "/auth/devices/revoke-others", {}, await account.auth())).status,
    ).toBe(200);
  });

  it("accepts only the passkey once a password account has one (password step-up, change)", async () => {
    const account = await registerPasswordAccount(suite.app, `pk-${Date.now()}@example.com`);
    const authenticator = newAuthenticator();
    await account.stepUp();
    const start = await postJson(suite.app, "/auth/passkey/add/start", {}, await account.auth());
    const { flowId, options } = (await start.json()) as { flowId: string; options: never };
    const added = await postJson(
      suite.app,
      "/auth/passkey/add/finish",
      { flowId, credential: authenticator.createCredential(options) },
      await account.auth(),
    );
    expect(added.status).toBe(201);
    suite.clock.advance(301_000);

    // A password alone (perhaps phished) no longer steps this account up.
    const byPassword = await postJson(
      suite.app,
      "/auth/step-up/password",
      { password: PASSWORD },
      await account.auth(),
    );
    await expectStepUpRequired(byPassword);
    const change = async () =>
      postJson(
        suite.app,
        "/auth/password/change",
        { currentPassword: PASSWORD, newPassword: "a brand new long passphrase" },
        await account.auth(),
      );
    const before = await suite.count(...TABLES);
    const refused = await change();
    expect(refused.status).toBe(401);
    expect(await codeOf(refused)).toBe("auth.step_up_required");
    expect(await suite.count(...TABLES)).toEqual(before);

    await stepUpWith(suite.app, authenticator, account.auth);
    expect((await change()).status).toBe(200);
  });

  it("guards the app's own routes with keyship.requireStepUp()", async () => {
    const { app } = suite;
    let transfers = 0;
    app.post("/api/transfer", app.keyship.requireStepUp(), (c) => {
      transfers += 1;
      return c.json({ ok: true });
    });
    expect((await postJson(app, "/api/transfer", {})).status).toBe(401);
    const authenticator = newAuthenticator();
    const account = await registerAccount(app, authenticator);
    await expectStepUpRequired(await postJson(app, "/api/transfer", {}, await account.auth()));
    expect(transfers).toBe(0);
    await stepUpWith(app, authenticator, account.auth);
    expect((await postJson(app, "/api/transfer", {}, await account.auth())).status).toBe(200);
    expect(transfers).toBe(1);
  });
});
