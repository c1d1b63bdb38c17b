import { describe, expect, it } from "vitest";
import { consoleMailer } from "../../src/email/console.ts";
import type { MailLogger } from "../../src/email/mailer.ts";
import { createMailer } from "../../src/email/registry.ts";
import { passwordResetEmail } from "../../src/email/templates.ts";
import { KeyshipConfigError, ProblemError } from "../../src/errors.ts";
import { startSmtpCapture } from "./smtp-capture.ts";

function recordingLogger() {
  const entries: Array<{ details: object; message: string }> = [];
  const logger: MailLogger = {
    info(details, message) {
      entries.push({ details, message });
    },
  };
  return { logger, entries };
}

const message = passwordResetEmail({
  to: "ada@example.test",
  appUrl: "https://app.example.test",
  token: "tok123",
});

describe("consoleMailer", () => {
  it("logs the message and pulls out its link", async () => {
    const { logger, entries } = recordingLogger();
    await consoleMailer(logger).send(message);
    expect(entries).toHaveLength(1);
    expect(entries[0]?.details).toMatchObject({
      mail: {
        to: "ada@example.test",
        subject: message.subject,
        links: ["https://app.example.test/reset-password#token=tok123"],
      },
    });
  });

  it("refuses what a real mailer would refuse", async () => {
    const { logger } = recordingLogger();
    await expect(
      consoleMailer(logger).send({ ...message, to: "a@example.test,b@example.test" }),
    ).rejects.toBeInstanceOf(ProblemError);
  });
});

describe("createMailer", () => {
  it("uses the console in development without an SMTP URL", async () => {
    const { logger, entries } = recordingLogger();
    await createMailer({ env: "development", logger }).send(message);
    expect(entries).toHaveLength(1);
  });

  it("refuses production without an SMTP URL", () => {
    expect(() => createMailer({ env: "production" })).toThrow(KeyshipConfigError);
  });

  it("refuses an SMTP URL without a sender", () => {
    expect(() => createMailer({ env: "production", smtpUrl: "smtp://127.0.0.1:25" })).toThrow(
      KeyshipConfigError,
    );
  });

  it("sends through SMTP when a URL is set", async () => {
    const capture = await startSmtpCapture();
    try {
      const mailer = createMailer({
        env: "production",
        smtpUrl: capture.url,
        from: "no-reply@app.example.test",
      });
      await mailer.send(message);
      expect(capture.messages.map((m) => m.parsed.subject)).toEqual([message.subject]);
    } finally {
      await capture.close();
    }
  });
});
