/**
 * Picks the mailer from settings: SMTP when a URL is set, the console otherwise (development).
 * @module
 */
import { KeyshipConfigError } from "../errors.ts";
import { consoleMailer } from "./console.ts";
import type { Mailer, MailLogger } from "./mailer.ts";
import { smtpMailer } from "./smtp.ts";

/** Options for {@link createMailer}. */
export interface CreateMailerOptions {
  /** `smtp://…` or `smtps://…`. When unset, messages go to the log (development only). */
  readonly smtpUrl?: string;
  /** The sender; required with `smtpUrl`. */
  readonly from?: string;
  /** The deployment: `production` refuses the console mailer. */
  readonly env: "development" | "production" | "test";
  /** Where the console mailer writes. @default stdout */
  readonly logger?: MailLogger;
}

/**
 * Builds the mailer once at startup.
 *
 * | `smtpUrl` | `env`          | result                               |
 * |-----------|----------------|--------------------------------------|
 * | set       | any            | `smtpMailer({ url: smtpUrl, from })` |
 * | unset     | not production | `consoleMailer(logger)`              |
 * | unset     | production     | `KeyshipConfigError`                 |
 *
 * @param options the SMTP URL, sender, deployment and logger
 * @example
 * const mailer = createMailer({ smtpUrl: settings.smtpUrl, from: settings.mailFrom, env: settings.env, logger });
 * @throws KeyshipConfigError in production without `smtpUrl` (the console mailer would write
 *   live reset links to the log), and for a bad `smtpUrl` or a missing or bad `from`
 */
export function createMailer(options: CreateMailerOptions): Mailer {
  if (options.smtpUrl !== undefined && options.smtpUrl !== "") {
    if (options.from === undefined || options.from === "") {
      throw new KeyshipConfigError(["set the mail sender (from) when an SMTP URL is set"]);
    }
    return smtpMailer({ url: options.smtpUrl, from: options.from });
  }
  if (options.env === "production") {
    throw new KeyshipConfigError([
      "set an SMTP URL in production: without one, emails (and their links) would only be logged",
    ]);
  }
  return consoleMailer(options.logger);
}
