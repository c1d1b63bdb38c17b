import type { AddressObject } from "mailparser";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { MailDeliveryError } from "../../src/email/mailer.ts";
import { smtpMailer } from "../../src/email/smtp.ts";
import { emailVerificationEmail, passwordResetEmail } from "../../src/email/templates.ts";
import { KeyshipConfigError, ProblemError } from "../../src/errors.ts";
import { firstHref, type SmtpCapture, startSmtpCapture, tokenOf } from "./smtp-capture.ts";

const FROM = "Acme <no-reply@acme.test>";
const TOKEN = "r0k3n_&<>\"'+/= é";

let capture: SmtpCapture;

beforeAll(async () => {
  capture = await startSmtpCapture();
});

afterAll(async () => {
  await capture.close();
});

beforeEach(() => {
  capture.messages.length = 0;
});

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  const list = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return list.flatMap((a) => a.value.map((v) => v.address ?? ""));
}

describe("smtpMailer", () => {
  it("delivers a password-reset email with subject, addresses and both bodies", async () => {
    const mailer = smtpMailer({ url: capture.url, from: FROM });
    const message = passwordResetEmail({
      to: "ada@example.test",
      appUrl: "https://app.acme.test",
      token: TOKEN,
      appName: "Acme",
    });
    await mailer.send(message);
    mailer.close();

    expect(capture.messages).toHaveLength(1);
    const [mail] = capture.messages;
    expect(mail?.envelope).toEqual({ from: "no-reply@acme.test", to: ["ada@example.test"] });
    expect(mail?.parsed.subject).toBe("Reset your Acme password");
    expect(addresses(mail?.parsed.to)).toEqual(["ada@example.test"]);
    expect(mail?.parsed.from?.value).toEqual([{ address: "no-reply@acme.test", name: "Acme" }]);
    expect(mail?.parsed.text?.trim()).toBe(message.text.trim());
    expect(mail?.parsed.html).toBe(message.html);
  });

  it("round-trips the token through the HTML and the text link", async () => {
    const mailer = smtpMailer({ url: capture.url, from: FROM });
    await mailer.send(
      emailVerificationEmail({
        to: "ada@example.test",
        appUrl: "https://app.acme.test",
        token: TOKEN,
      }),
    );
    mailer.close();

    const parsed = capture.messages[0]?.parsed;
    const href = firstHref(parsed?.html || "");
    expect(new URL(href).origin).toBe("https://app.acme.test");
    expect(new URL(href).pathname).toBe("/verify-email");
    expect(tokenOf(href)).toBe(TOKEN);
    const textLink = /https:\/\/\S+/.exec(parsed?.text ?? "")?.[0] ?? "";
    expect(tokenOf(textLink)).toBe(TOKEN);
  });

  it.each([
    ["a list", "ada@example.test, eve@evil.test"],
    ["a display name", "Eve <eve@evil.test>"],
    ["a header injection", "ada@example.test\r\nBcc: eve@evil.test"],
    ["no address", "nobody"],
  ])("refuses %s as the recipient before connecting", async (_label, to) => {
    const mailer = smtpMailer({ url: capture.url, from: FROM });
    const send = mailer.send({ to, subject: "s", text: "t", html: "<p>t</p>" });
    await expect(send).rejects.toBeInstanceOf(ProblemError);
    await expect(send).rejects.toMatchObject({ code: "validation.failed" });
    expect(capture.messages).toHaveLength(0);
  });

  it("wraps a transport failure in MailDeliveryError", async () => {
    const closed = await startSmtpCapture();
    const url = closed.url;
    await closed.close();
    const mailer = smtpMailer({ url, from: FROM, connectTimeoutMs: 2000 });
    await expect(
      mailer.send({ to: "ada@example.test", subject: "s", text: "t", html: "t" }),
    ).rejects.toBeInstanceOf(MailDeliveryError);
  });

  it.each([
    [{ url: "http://mail.acme.test", from: FROM }],
    [{ url: "not a url", from: FROM }],
    [{ url: "smtp://127.0.0.1:25", from: "" }],
    [{ url: "smtp://127.0.0.1:25", from: "Acme\r\nBcc: eve@evil.test <a@b.test>" }],
    [{ url: "smtp://127.0.0.1:25", from: "just a name" }],
  ])("refuses the settings %j", (options) => {
    expect(() => smtpMailer(options)).toThrow(KeyshipConfigError);
  });
});
