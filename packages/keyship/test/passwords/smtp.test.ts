/**
 * The reset flow end to end through a real SMTP server: keyship's SMTP mailer (configured by
 * settings) sends, `smtp-server` receives, `mailparser` parses, and the link's token is used.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { KeyshipApp } from "../../src/app.ts";
import {
  type CapturedMail,
  firstHref,
  type SmtpCapture,
  startSmtpCapture,
  tokenOf,
} from "../email/smtp-capture.ts";
import { postJson, testApp } from "../helpers/app.ts";
import { clockOf } from "../helpers/clock.ts";
import { dialects, type TestDatabase } from "../helpers/databases.ts";
import { codeOf } from "../helpers/passkeys.ts";
import { login, loginPasswordAccount, ROOMY_LIMITS, registerPasswordAccount } from "./helpers.ts";

const APP_URL = "https://app.example.test/base";
const NEW_PASSWORD = "emailed new passphrase";

describe.each(dialects)("password reset over real SMTP on $name", (dialect) => {
  let capture: SmtpCapture;
  let target: TestDatabase;
  let app: KeyshipApp;

  beforeAll(async () => {
    capture = await startSmtpCapture();
    target = await dialect.create();
    app = testApp(target.url, {
      passwordAuthEnabled: true,
      smtpUrl: capture.url,
      mailFrom: "Acme <no-reply@acme.test>",
      appUrl: APP_URL,
      ...ROOMY_LIMITS,
    });
    await app.keyship.ready;
  });
  afterAll(async () => {
    await app?.keyship.close();
    await target?.drop();
    await capture?.close();
  });

  /** Waits for a message to `to` about `subject` (delivery runs in the background). */
  async function nextMailTo(to: string, after: number, subject = /./): Promise<CapturedMail> {
    return vi.waitFor(
      () => {
        const found = capture.messages
          .slice(after)
          .find((m) => m.envelope.to.includes(to) && subject.test(m.parsed.subject ?? ""));
        if (found === undefined) throw new Error(`no mail to ${to} yet`);
        return found;
      },
      { timeout: 10_000, interval: 20 },
    );
  }

  async function requestReset(email: string): Promise<string> {
    const before = capture.messages.length;
    const res = await postJson(app, "/auth/password-reset/request", { email });
    expect(res.status).toBe(202);
    const mail = await nextMailTo(email, before, /reset/i);
    const link = firstHref(mail.parsed.html || "");
    expect(link.startsWith(`${APP_URL}/reset-password#token=`)).toBe(true);
    // The plain-text body carries the same link.
    expect(mail.parsed.text).toContain(link);
    const token = tokenOf(link);
    if (token === null) throw new Error("no token in the link");
    return token;
  }

  it("emails a link whose token resets the password once", async () => {
    const email = `s-${randomUUID()}@example.com`;
    const before = capture.messages.length;
    await registerPasswordAccount(app, email);
    // Registration sends the verification email first.
    const verification = await nextMailTo(email, before, /confirm your email/i);
    expect(verification.parsed.subject).toMatch(/confirm your email/i);
    expect(verification.parsed.from?.value[0]?.address).toBe("no-reply@acme.test");

    const token = await requestReset(email);
    const res = await postJson(app, "/auth/password-reset/confirm", {
      token,
      newPassword: NEW_PASSWORD,
    });
    expect(res.status).toBe(204);
    await loginPasswordAccount(app, email, NEW_PASSWORD);
    expect(await codeOf(await login(app, email))).toBe("auth.invalid_credentials");

    const reused = await postJson(app, "/auth/password-reset/confirm", {
      token,
      newPassword: "and once more please",
    });
    expect(reused.status).toBe(400);
    expect(await codeOf(reused)).toBe("password.token_invalid");
  });

  it("emails a link that expires after 30 minutes", async () => {
    const email = `s-${randomUUID()}@example.com`;
    await registerPasswordAccount(app, email);
    const token = await requestReset(email);
    clockOf(app).advance(31 * 60_000);
    const res = await postJson(app, "/auth/password-reset/confirm", {
      token,
      newPassword: NEW_PASSWORD,
    });
    expect(res.status).toBe(400);
    expect(await codeOf(res)).toBe("password.token_invalid");
  });

  it("sends nothing for an unknown email and answers the same", async () => {
    const before = capture.messages.length;
    const res = await postJson(app, "/auth/password-reset/request", {
      email: `nobody-${randomUUID()}@example.com`,
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: true });
    // A known address sent afterwards arrives alone: nothing was queued for the unknown one.
    const email = `s-${randomUUID()}@example.com`;
    await registerPasswordAccount(app, email);
    await nextMailTo(email, before);
    expect(capture.messages.slice(before).map((m) => m.envelope.to)).toEqual([[email]]);
  });
});
