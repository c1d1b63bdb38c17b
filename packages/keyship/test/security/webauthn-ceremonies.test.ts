/**
 * WebAuthn ceremony negatives, at sign-in and at step-up: each refused with its status and
 * code, its challenge spent (no second try), and nothing else changed (snapshot diff of the
 * auth tables other than the challenges).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { postJson } from "../helpers/app.ts";
import { SoftwareAuthenticator } from "../helpers/authenticator.ts";
import type { GetOverrides } from "../helpers/authenticator-options.ts";
import { dialects } from "../helpers/databases.ts";
import {
  codeOf,
  newDeviceKey,
  registerAccount,
  startLogin,
  TEST_ORIGIN,
  type TestAccount,
} from "../helpers/passkeys.ts";
import { AUTH_TABLES, authSnapshot } from "../helpers/snapshot.ts";
import { useSuite } from "../helpers/suite.ts";

const WITHOUT_CHALLENGES = AUTH_TABLES.filter((t) => t !== "webauthn_challenges");

const negatives: Array<[string, GetOverrides, number, string]> = [
  [
    "another origin (phishing site)",
    { origin: "http://evil.localhost:5173" },
    400,
    "passkey.verification_failed",
  ],
  ["another RP ID", { rpId: "evil.example" }, 400, "passkey.verification_failed"],
  ["a framed ceremony (crossOrigin)", { crossOrigin: true }, 400, "passkey.verification_failed"],
  ["a create type on a get", { type: "webauthn.create" }, 400, "passkey.verification_failed"],
  [
    "another challenge",
    { challenge: "AAAAAAAAAAAAAAAAAAAAAA" },
    400,
    "passkey.verification_failed",
  ],
  ["a tampered signature", { tamperSignature: true }, 400, "passkey.verification_failed"],
  ["no user presence", { userPresent: false }, 400, "passkey.verification_failed"],
  ["a counter that went backwards", { counter: 0 }, 401, "passkey.counter_regression"],
];

describe.each(dialects)("WebAuthn ceremony negatives on $name", (dialect) => {
  const suite = useSuite(dialect, { userVerification: "preferred" });
  let authenticator: SoftwareAuthenticator;
  let account: TestAccount;

  beforeAll(async () => {
    authenticator = new SoftwareAuthenticator({ origin: TEST_ORIGIN });
    account = await registerAccount(suite.app, authenticator);
    // Move the counter up, so that "0" goes backwards.
    await account.stepUp();
  });

  async function expectRefused(res: Response, status: number, code: string, before: string) {
    expect(res.status).toBe(status);
    expect(await codeOf(res)).toBe(code);
    expect(await authSnapshot(suite.app, WITHOUT_CHALLENGES)).toBe(before);
  }

  it.each(negatives)(
    "refuses a sign-in with %s and spends its challenge",
    async (_n, bad, status, code) => {
      const { flowId, options } = await startLogin(suite.app);
      const before = await authSnapshot(suite.app, WITHOUT_CHALLENGES);
      const finish = (credential: unknown) =>
        postJson(suite.app, "/auth/passkey/login/finish", {
          flowId,
          credential,
          devicePublicKey: newDeviceKey().publicJwk,
        });
      await expectRefused(
        await finish(authenticator.getAssertion(options, bad)),
        status,
        code,
        before,
      );
      const retry = await finish(authenticator.getAssertion(options));
      expect(await codeOf(retry)).toBe("passkey.challenge_invalid");
    },
  );

  it.each([
    ...negatives,
    ["no user verification", { userVerified: false }, 400, "passkey.user_verification_required"],
  ] as Array<[string, GetOverrides, number, string]>)(
    "refuses a step-up with %s, changing no mark",
    async (_n, bad, status, code) => {
      const start = await postJson(suite.app, "/auth/step-up/start", {}, await account.auth());
      const { flowId, options } = (await start.json()) as { flowId: string; options: never };
      const before = await authSnapshot(suite.app, WITHOUT_CHALLENGES);
      const res = await postJson(
        suite.app,
        "/auth/step-up/finish",
        { flowId, credential: authenticator.getAssertion(options, bad) },
        await account.auth(),
      );
      await expectRefused(res, status, code, before);
    },
  );
});
