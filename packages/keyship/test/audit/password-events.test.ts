/**
 * The audit events of the password flows (sign-up, sign-in and its failures, change, reset,
 * email verification, password step-up) and of the rate limits: the right action, outcome,
 * actor and target, the request's user agent and trace id, never a password, token or email
 * in `data`, and no row for what changed nothing (an unknown email's reset request).
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { postJson } from "../helpers/app.ts";
import { dialects } from "../helpers/databases.ts";
import { codeOf, newDeviceKey } from "../helpers/passkeys.ts";
import { useSuite } from "../helpers/suite.ts";
import {
  loginPasswordAccount,
  mailbox,
  PASSWORD,
  ROOMY_LIMITS,
  registerPasswordAccount,
} from "../passwords/helpers.ts";
import { eventsOf, rawDataOf, summaryOf, type Traced, traced, USER_AGENT } from "./helpers.ts";

const fresh = () => `audit-${randomUUID()}@example.com`;
const NEW_PASSWORD = "a brand new passphrase";

describe.each(dialects)("audit events of passwords on $name", (dialect) => {
  const mails = mailbox();
  const suite = useSuite(dialect, { passwordAuthEnabled: true, mailer: mails, ...ROOMY_LIMITS });
  const post = (path: string, body: object, trace: Traced, auth: Record<string, string> = {}) =>
    postJson(suite.app, path, body, { ...auth, ...trace.headers });
  const signIn = (path: string, email: string, password: string, trace: Traced) =>
    post(path, { email, password, devicePublicKey: newDeviceKey().publicJwk }, trace);

  it("records user.signed_up and user.signed_in with the method and the bound device", async () => {
    const email = fresh();
    const up = traced();
    const created = (await (await signIn("/auth/register", email, PASSWORD, up)).json()) as {
      userId: string;
      deviceId: string;
    };
    const { userId } = created;
    expect(await summaryOf(suite.app, up)).toEqual([
      ["user.signed_up", "success", userId, "user", userId, { method: "password" }],
      ["device.bound", "success", userId, "device", created.deviceId, { label: "Browser" }],
    ]);
    const inTrace = traced();
    const { deviceId } = (await (await signIn("/auth/login", email, PASSWORD, inTrace)).json()) as {
      deviceId: string;
    };
    expect(await summaryOf(suite.app, inTrace)).toEqual([
      ["device.bound", "success", userId, "device", deviceId, { label: "Browser" }],
      ["user.signed_in", "success", userId, "user", userId, { method: "password", deviceId }],
    ]);
    expect(await rawDataOf(suite.app, up.traceId)).not.toContain(PASSWORD);
  });

  it("records user.sign_in_failed without the password or the email, the account as target when known", async () => {
    const email = fresh();
    const { userId } = await registerPasswordAccount(suite.app, email);
    const wrong = traced();
    expect(await codeOf(await signIn("/auth/login", email, "wrong password", wrong))).toBe(
      "auth.invalid_credentials",
    );
    const reason = "auth.invalid_credentials";
    expect(await summaryOf(suite.app, wrong)).toEqual([
      ["user.sign_in_failed", "failure", null, "user", userId, { method: "password", reason }],
    ]);
    const unknown = traced();
    const stranger = fresh();
    await signIn("/auth/login", stranger, "a guessed password", unknown);
    expect(await summaryOf(suite.app, unknown)).toEqual([
      ["user.sign_in_failed", "failure", null, null, null, { method: "password", reason }],
    ]);
    const raw = await rawDataOf(suite.app, wrong.traceId);
    expect(raw + (await rawDataOf(suite.app, unknown.traceId))).not.toMatch(
      /wrong password|guessed|@example\.com/,
    );
  });

  it("records password.changed and the devices it signed out; a wrong current password as a failure", async () => {
    const email = fresh();
    const other = await registerPasswordAccount(suite.app, email);
    const caller = await loginPasswordAccount(suite.app, email);
    const { userId } = caller;
    const refused = traced();
    const auth = await caller.auth();
    const body = { currentPassword: "not the password", newPassword: NEW_PASSWORD };
    expect((await post("/auth/password/change", body, refused, auth)).status).toBe(401);
    const reason = "auth.invalid_credentials";
    expect(await summaryOf(suite.app, refused)).toEqual([
      ["password.changed", "failure", userId, "user", userId, { reason }],
    ]);

    const changed = traced();
    const ok = await post(
      "/auth/password/change",
      { currentPassword: PASSWORD, newPassword: NEW_PASSWORD },
      changed,
      auth,
    );
    expect(ok.status).toBe(200);
    expect(await summaryOf(suite.app, changed)).toEqual([
      ["password.changed", "success", userId, "user", userId, {}],
      [
        "device.revoked",
        "success",
        userId,
        "device",
        other.deviceId,
        { reason: "password_changed" },
      ],
    ]);
    expect(await rawDataOf(suite.app, changed.traceId)).not.toContain(NEW_PASSWORD);
  });

  it("records password.reset_requested for a known account only, with the same 202 either way", async () => {
    const email = fresh();
    const { userId } = await registerPasswordAccount(suite.app, email);
    const known = traced();
    const unknown = traced();
    const a = await post("/auth/password-reset/request", { email }, known);
    const b = await post("/auth/password-reset/request", { email: fresh() }, unknown);
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(await a.json()).toEqual(await b.json());
    expect(await summaryOf(suite.app, known)).toEqual([
      ["password.reset_requested", "success", null, "user", userId, {}],
    ]);
    expect(await summaryOf(suite.app, unknown)).toEqual([]);
  });

  it("records password.reset_completed, email.verified and the revoked devices, the user as actor", async () => {
    const email = fresh();
    const first = await registerPasswordAccount(suite.app, email);
    const { userId } = first;
    await postJson(suite.app, "/auth/password-reset/request", { email });
    const token = mails.lastToken(email);
    const reset = traced();
    const res = await post(
      "/auth/password-reset/confirm",
      { token, newPassword: NEW_PASSWORD },
      reset,
    );
    expect(res.status).toBe(204);
    expect(await summaryOf(suite.app, reset)).toEqual([
      ["password.reset_completed", "success", userId, "user", userId, {}],
      ["email.verified", "success", userId, "user", userId, { via: "password_reset" }],
      ["device.revoked", "success", userId, "device", first.deviceId, { reason: "password_reset" }],
    ]);
    expect(await rawDataOf(suite.app, reset.traceId)).not.toContain(token);
  });

  it("records email.verified once, from the emailed link", async () => {
    const email = fresh();
    const { userId } = await registerPasswordAccount(suite.app, email);
    const token = mails.lastToken(email);
    const verify = traced();
    expect((await post("/auth/email/verify/confirm", { token }, verify)).status).toBe(204);
    expect(await summaryOf(suite.app, verify)).toEqual([
      ["email.verified", "success", userId, "user", userId, { via: "email_link" }],
    ]);
  });

  it("records stepup.succeeded and stepup.failed of a password step-up on the calling device", async () => {
    const account = await registerPasswordAccount(suite.app, fresh());
    const { userId, deviceId } = account;
    const ok = traced();
    const bad = traced();
    const auth = await account.auth();
    expect((await post("/auth/step-up/password", { password: PASSWORD }, ok, auth)).status).toBe(
      200,
    );
    expect((await post("/auth/step-up/password", { password: "nope" }, bad, auth)).status).toBe(
      401,
    );
    expect(await summaryOf(suite.app, ok)).toEqual([
      ["stepup.succeeded", "success", userId, "device", deviceId, { method: "password" }],
    ]);
    expect(await summaryOf(suite.app, bad)).toEqual([
      [
        "stepup.failed",
        "failure",
        userId,
        "device",
        deviceId,
        { method: "password", reason: "auth.invalid_credentials" },
      ],
    ]);
  });
});

describe.each(dialects)("audit events of rate limits on $name", (dialect) => {
  const suite = useSuite(dialect, {
    passwordAuthEnabled: true,
    mailer: mailbox(),
    trustProxy: true,
    rateLimitLoginPerAccount: "2/1h",
    rateLimitLoginPerIp: "100/1h",
    // Four calls per IP: the login test makes four, the ceremony test trips on the fifth.
    rateLimitCeremonyPerIp: "4/1h",
  });
  // Each test starts in a fresh window and, with its own X-Forwarded-For, its own IP.
  const fromIp = () => {
    suite.clock.advance(3_600_000);
    const ip = `198.51.100.${Math.floor(Math.random() * 250)}`;
    const trace = (): Traced => {
      const { traceId, headers } = traced();
      return { traceId, headers: { ...headers, "x-forwarded-for": ip } };
    };
    return { ip, trace };
  };

  it("records ratelimit.tripped once per window, with the rule and no email", async () => {
    const email = fresh();
    const { ip, trace } = fromIp();
    const attempt = (t: Traced) =>
      postJson(
        suite.app,
        "/auth/login",
        { email, password: "guess", devicePublicKey: newDeviceKey().publicJwk },
        t.headers,
      );
    for (let i = 0; i < 2; i++) expect((await attempt(trace())).status).toBe(401);
    const tripped = trace();
    const later = trace();
    expect((await attempt(tripped)).status).toBe(429);
    expect((await attempt(later)).status).toBe(429);
    expect(await eventsOf(suite.app, tripped.traceId)).toMatchObject([
      {
        action: "ratelimit.tripped",
        outcome: "failure",
        actorId: null,
        targetId: null,
        ip,
        userAgent: USER_AGENT,
        data: { rule: "password.login.account", scope: "account" },
      },
    ]);
    expect(await eventsOf(suite.app, later.traceId)).toEqual([]);
    expect(await rawDataOf(suite.app, tripped.traceId)).not.toContain("@example.com");
  });

  it("records a tripped ceremony limit per IP, once per window", async () => {
    const { ip, trace } = fromIp();
    const one = trace();
    const start = () => postJson(suite.app, "/auth/passkey/login/start", {}, one.headers);
    for (let i = 0; i < 4; i++) expect((await start()).status).toBe(200);
    expect((await start()).status).toBe(429);
    expect((await start()).status).toBe(429);
    expect(
      (await eventsOf(suite.app, one.traceId)).map((e) => [e.action, e.outcome, e.ip, e.data]),
    ).toEqual([["ratelimit.tripped", "failure", ip, { rule: "ceremony.ip", scope: "ip" }]]);
  });
});
