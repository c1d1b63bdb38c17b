/** Shared steps of the recovery suites: an account with codes, and the recovery ceremony. */
import { randomUUID } from "node:crypto";
import type { PublicKeyCredentialCreationOptionsJSON } from "@simplewebauthn/server";
import type { KeyshipApp } from "../../src/app.ts";
import { postJson } from "../helpers/app.ts";
import { SoftwareAuthenticator } from "../helpers/authenticator.ts";
import {
  type DeviceKey,
  newDeviceKey,
  registerAccount,
  signedInAccount,
  stepUpWith,
  TEST_ORIGIN,
  type TestAccount,
} from "../helpers/passkeys.ts";

/** Limits no functional test reaches (the rate-limit tests set their own). */
export const ROOMY_RECOVERY_LIMITS = {
  rateLimitRecoveryPerIp: "10000/1h",
  rateLimitRecoveryPerAccount: "10000/1h",
} as const;

/** A fresh address. */
export const freshEmail = () => `rec-${randomUUID()}@example.com`;

/** An account with an email and a passkey, stepped up, and its ten codes. */
export interface AccountWithCodes {
  readonly email: string;
  readonly account: TestAccount;
  readonly authenticator: SoftwareAuthenticator;
  readonly codes: string[];
}

/** Registers an account with `email`, steps it up and creates its recovery codes. */
export async function accountWithCodes(
  app: KeyshipApp,
  email = freshEmail(),
): Promise<AccountWithCodes> {
  const authenticator = new SoftwareAuthenticator({ origin: TEST_ORIGIN });
  const account = await registerAccount(app, authenticator, { email });
  await account.stepUp();
  const res = await postJson(app, "/auth/recovery-codes", {}, await account.auth());
  if (res.status !== 201) throw new Error(`codes: ${res.status} ${await res.text()}`);
  const { codes } = (await res.json()) as { codes: string[] };
  return { email, account, authenticator, codes };
}

/** POSTs `/auth/recovery/start` with `body`. */
export const startRecovery = (app: KeyshipApp, body: object) =>
  postJson(app, "/auth/recovery/start", body);

/** A recovery started: the flow and the options of the new passkey. */
export async function startedRecovery(app: KeyshipApp, body: object) {
  const res = await startRecovery(app, body);
  if (res.status !== 200) throw new Error(`start: ${res.status} ${await res.text()}`);
  return (await res.json()) as { flowId: string; options: PublicKeyCredentialCreationOptionsJSON };
}

/**
 * Recovers with `body` (`{ email, code }` or `{ token }`) on a fresh authenticator and device
 * key; returns the raw finish response and what signed in.
 */
export async function recoverWith(app: KeyshipApp, body: object, extra: object = {}) {
  const { flowId, options } = await startedRecovery(app, body);
  const authenticator = new SoftwareAuthenticator({ origin: TEST_ORIGIN });
  const deviceKey: DeviceKey = newDeviceKey();
  const res = await postJson(app, "/auth/recovery/finish", {
    flowId,
    credential: authenticator.createCredential(options),
    devicePublicKey: deviceKey.publicJwk,
    ...extra,
  });
  const copy = res.clone();
  const signIn = async () => {
    const result = (await copy.json()) as {
      userId: string;
      passkeyId: string;
      deviceId: string;
    };
    return signedInAccount(app, result, deviceKey, (auth) => stepUpWith(app, authenticator, auth));
  };
  return { res, authenticator, deviceKey, signIn };
}
