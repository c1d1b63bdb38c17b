/**
 * The development mailer: writes each message, and the links in it, to the log.
 * @module
 */
import { assertSendable, type Mailer, type MailLogger, type MailMessage } from "./mailer.ts";

const LINK = /https?:\/\/[^\s<>"']+/g;

/**
 * Creates a mailer that sends nothing and logs every message instead, with the links it
 * contains pulled out so you can click them. Development only: the links hold live tokens,
 * which is why `createMailer()` refuses it in production.
 *
 * @param logger where to write; a pino logger fits @default one JSON line per message on stdout
 * @example
 * const mailer = consoleMailer(logger);
 * await mailer.send(passwordResetEmail({ to, appUrl, token }));
 * @throws ProblemError `validation.failed` from `send` for a message no real mailer would accept
 */
export function consoleMailer(logger?: MailLogger): Mailer {
  const write: MailLogger = logger ?? {
    info(details, message) {
      process.stdout.write(`${JSON.stringify({ msg: message, ...details })}\n`);
    },
  };
  return {
    async send(message: MailMessage): Promise<void> {
      assertSendable(message);
      const links = [...new Set(message.text.match(LINK) ?? [])];
      write.info(
        { mail: { to: message.to, subject: message.subject, text: message.text, links } },
        `email (not sent, console mailer): ${message.subject}`,
      );
    },
  };
}
