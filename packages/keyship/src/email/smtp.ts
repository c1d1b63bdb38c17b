/**
 * The SMTP mailer, on nodemailer.
 * @module
 */
import { KeyshipConfigError } from "../errors.ts";
import { lazyModule } from "../optional.ts";
import { assertSendable, MailDeliveryError, type Mailer, type MailMessage } from "./mailer.ts";

/** nodemailer, loaded by the first {@link smtpMailer} (`smtpUrl` set). */
const nodemailer = lazyModule<typeof import("nodemailer")>("nodemailer");

/** Options for {@link smtpMailer}. */
export interface SmtpMailerOptions {
  /**
   * The server, as `smtp://user:pass@host:587` (STARTTLS when offered) or
   * `smtps://user:pass@host:465` (TLS from the start). nodemailer options ride in the query,
   * e.g. `?requireTLS=true`.
   */
  readonly url: string;
  /** The sender, e.g. `Example <no-reply@example.com>`. One line. */
  readonly from: string;
  /** Milliseconds to wait for the TCP connection and for the greeting. @default 10000 */
  readonly connectTimeoutMs?: number;
  /** Milliseconds of socket inactivity before giving up. @default 30000 */
  readonly socketTimeoutMs?: number;
}

/** A {@link Mailer} that owns an SMTP transport. */
export interface SmtpMailer extends Mailer {
  /** Connects (and authenticates) once, to check the settings at startup. @throws MailDeliveryError */
  verify(): Promise<void>;
  /** Closes the transport's connections. */
  close(): void;
}

/**
 * Creates a mailer that sends through an SMTP server. The transport is built once here;
 * each `send` opens a connection (nodemailer's default, unpooled).
 *
 * @param options the server URL, the sender and timeouts
 * @example
 * const mailer = smtpMailer({ url: "smtps://apikey:secret@smtp.example.com", from: "Example <no-reply@example.com>" });
 * await mailer.send(emailVerificationEmail({ to, appUrl, token }));
 * @throws KeyshipConfigError when the URL is not `smtp:`/`smtps:` or `from` is empty or spans
 *   lines
 * @throws ProblemError `validation.failed` (from `send`) for a `to` that is not one bare address
 * @throws MailDeliveryError (from `send`) when the server refuses or cannot be reached
 */
export function smtpMailer(options: SmtpMailerOptions): SmtpMailer {
  const problems = smtpProblems(options);
  if (problems.length > 0) throw new KeyshipConfigError(problems);

  const transport = nodemailer().createTransport(
    {
      url: options.url,
      connectionTimeout: options.connectTimeoutMs ?? 10_000,
      greetingTimeout: options.connectTimeoutMs ?? 10_000,
      socketTimeout: options.socketTimeoutMs ?? 30_000,
    },
    { from: options.from },
  );

  return {
    async send(message: MailMessage): Promise<void> {
      assertSendable(message);
      try {
        await transport.sendMail({
          // The envelope is the recipient list the server acts on: pin it to the one address.
          envelope: { from: extractAddress(options.from), to: [message.to] },
          to: message.to,
          subject: message.subject,
          text: message.text,
          html: message.html,
        });
      } catch (error) {
        // Boundary for nodemailer: its text (host names, server replies) stays in `cause`.
        throw new MailDeliveryError(error);
      }
    },
    async verify(): Promise<void> {
      try {
        await transport.verify();
      } catch (error) {
        throw new MailDeliveryError(error);
      }
    },
    close(): void {
      transport.close();
    },
  };
}

function smtpProblems(options: SmtpMailerOptions): string[] {
  const problems: string[] = [];
  let protocol: string | undefined;
  try {
    protocol = new URL(options.url).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol !== "smtp:" && protocol !== "smtps:") {
    problems.push("the SMTP URL must be an smtp:// or smtps:// URL");
  }
  if (
    typeof options.from !== "string" ||
    options.from.trim() === "" ||
    /[\r\n]/.test(options.from)
  ) {
    problems.push(
      "the mail sender (from) must be one non-empty line, e.g. `App <no-reply@example.com>`",
    );
  } else if (extractAddress(options.from) === undefined) {
    problems.push("the mail sender (from) must hold an email address");
  }
  for (const [name, value] of [
    ["connectTimeoutMs", options.connectTimeoutMs],
    ["socketTimeoutMs", options.socketTimeoutMs],
  ] as const) {
    if (value !== undefined && (!Number.isSafeInteger(value) || value <= 0)) {
      problems.push(`the SMTP ${name} must be a positive integer`);
    }
  }
  return problems;
}

/** `Name <addr@host>` → `addr@host`; a bare address stays as it is. */
function extractAddress(from: string): string | undefined {
  const bracketed = /<([^<>\s]+@[^<>\s]+)>\s*$/.exec(from);
  if (bracketed) return bracketed[1];
  const bare = from.trim();
  return /^[^\s<>@]+@[^\s<>@]+$/.test(bare) ? bare : undefined;
}
