/**
 * The one interface every mailer implements, and the checks every message passes first.
 * @module
 */
import { ProblemError } from "../errors.ts";

/** One outgoing email: a single recipient, a subject, and plain-text and HTML bodies. */
export interface MailMessage {
  /** One bare address, e.g. `ada@example.com`. Never a list, never a display name. */
  readonly to: string;
  /** One line; no CR or LF. */
  readonly subject: string;
  /** The plain-text body. */
  readonly text: string;
  /** The HTML body; every inserted value must already be escaped (see `escapeHtml`). */
  readonly html: string;
}

/**
 * Sends email. One file per variant (`consoleMailer`, `smtpMailer`), all with this shape;
 * `createMailer()` picks one from settings.
 */
export interface Mailer {
  /**
   * Sends one message.
   * @param message the message; see {@link MailMessage}
   * @throws ProblemError `validation.failed` when `to` is not a single address or the subject
   *   spans lines
   * @throws MailDeliveryError when the transport fails
   */
  send(message: MailMessage): Promise<void>;
}

/** The part of a pino-style logger that mailers use. */
export interface MailLogger {
  info(details: object, message: string): void;
}

/**
 * Thrown when a transport fails to hand a message over. The transport's own error is kept as
 * `cause` for the log; the message is generic.
 *
 * @example
 * try { await mailer.send(msg); } catch (e) { if (e instanceof MailDeliveryError) log.error(e.cause); }
 */
export class MailDeliveryError extends Error {
  /** A stable code to switch on. */
  readonly code = "ERR_MAIL_DELIVERY";

  constructor(cause: unknown) {
    super("The email could not be delivered to the mail server.", { cause });
    this.name = "MailDeliveryError";
  }
}

// One addr-spec and nothing else: no separators (`,` `;`), no display name (`<` `>` `"`),
// no comments (`(` `)`), no whitespace or control characters (header injection).
const SINGLE_ADDRESS = /^[^\s@,;<>()"\\\p{Cc}]+@[^\s@,;<>()"\\\p{Cc}]+$/u;
const MAX_ADDRESS_LENGTH = 254; // RFC 5321 §4.5.3.1.3 path limit, less the brackets
const LINE_BREAK = /[\r\n]/;

/**
 * True when `value` is one bare email address that cannot smuggle a second recipient or a
 * header. It is a safety check, not full RFC 5322 validation; validate input with zod first.
 *
 * @param value the candidate address
 * @example
 * isSingleAddress("ada@example.com"); // true
 * isSingleAddress("ada@example.com, eve@evil.test"); // false
 */
export function isSingleAddress(value: string): boolean {
  return (
    typeof value === "string" && value.length <= MAX_ADDRESS_LENGTH && SINGLE_ADDRESS.test(value)
  );
}

/**
 * Checks a message before any transport sees it.
 *
 * @param message the message to check
 * @example
 * assertSendable({ to: "ada@example.com", subject: "Hi", text: "…", html: "…" });
 * @throws ProblemError `validation.failed` when `to` is not a single bare address or the
 *   subject contains a line break
 */
export function assertSendable(message: MailMessage): void {
  if (!isSingleAddress(message.to) || LINE_BREAK.test(message.subject)) {
    throw new ProblemError("validation.failed");
  }
}
