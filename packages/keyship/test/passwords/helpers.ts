/** Shared steps of the password suites: a mailbox, sign-up and sign-in through the API. */
import type { KeyshipApp } from "../../src/app.ts";
import type { Mailer, MailMessage } from "../../src/email/mailer.ts";
import { firstHref, tokenOf } from "../email/smtp-capture.ts";
import { postJson } from "../helpers/app.ts";
import { type DeviceKey, newDeviceKey, signedInAccount } from "../helpers/passkeys.ts";

/** A mailer that keeps what it is given (a peer for flows that do not test SMTP itself). */
export interface Mailbox extends Mailer {
  readonly sent: MailMessage[];
  /** The token of the last message sent to `to`. */
  lastToken(to: string): string;
}

export function mailbox(): Mailbox {
  const sent: MailMessage[] = [];
  return {
    sent,
    async send(message) {
      sent.push(message);
    },
    lastToken(to) {
      const message = sent.findLast((m) => m.to === to);
      if (message === undefined) throw new Error(`no mail to ${to}`);
      const token = tokenOf(firstHref(message.html));
      if (token === null) throw new Error("no token in the link");
      return token;
    },
  };
}

/** A password account signed in on one device. */
export type PasswordAccount = ReturnType<
  typeof signedInAccount<{ userId: string; deviceId: string }>
>;

/** Long enough for every policy in these suites. */
export const PASSWORD = "correct horse battery staple";

function signIn(path: "/auth/register" | "/auth/login") {
  return (
    app: KeyshipApp,
    email: string,
    password = PASSWORD,
    deviceKey: DeviceKey = newDeviceKey(),
    headers: Record<string, string> = {},
  ): Promise<Response> =>
    postJson(app, path, { email, password, devicePublicKey: deviceKey.publicJwk }, headers);
}

/** POSTs a password registration that binds `deviceKey`. */
export const register = signIn("/auth/register");

/** POSTs a password sign-in that binds `deviceKey`. */
export const login = signIn("/auth/login");

async function expectStatus<T>(res: Response, status: number): Promise<T> {
  const body = (await res.json()) as T;
  if (res.status !== status)
    throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(body)}`);
  return body;
}

function signedIn(send: typeof register, status: 200 | 201) {
  return async (app: KeyshipApp, email: string, password = PASSWORD): Promise<PasswordAccount> => {
    const deviceKey = newDeviceKey();
    const body = await expectStatus<{ userId: string; deviceId: string }>(
      await send(app, email, password, deviceKey),
      status,
    );
    return signedInAccount(app, body, deviceKey, async (auth) => {
      const res = await postJson(app, "/auth/step-up/password", { password }, await auth());
      if (res.status !== 200) throw new Error(`step-up failed: ${res.status}`);
    });
  };
}

/** Registers with a password and returns the signed-in account. */
export const registerPasswordAccount = signedIn(register, 201);

/** Signs in with a password and returns the account on a new device. */
export const loginPasswordAccount = signedIn(login, 200);

/** A problem body without its per-request trace id, to compare two answers. */
export async function problemWithoutTrace(res: Response): Promise<Record<string, unknown>> {
  const { trace_id: _t, ...rest } = (await res.json()) as Record<string, unknown>;
  return rest;
}

/** Limits no functional test reaches (the rate-limit suite sets its own). */
export const ROOMY_LIMITS = {
  rateLimitLoginPerIp: "10000/1h",
  rateLimitLoginPerAccount: "10000/1h",
  rateLimitRegisterPerIp: "10000/1h",
  rateLimitEmailPerIp: "10000/1h",
  rateLimitEmailPerAccount: "10000/1h",
} as const;
