/**
 * Sending without waiting: the flows that mail a link or a notice answer before the mail
 * server does.
 * @module
 */
import type { Logger } from "../observability/logger.ts";
import type { Mailer, MailMessage } from "./mailer.ts";

/**
 * Hands the message to the mailer without waiting: the response does not depend on the mail
 * server (its time would tell whether an account exists), and a failure is logged, not sent
 * to the client.
 * @param ctx the mailer and the logger
 * @param message the message
 */
export function sendInBackground(
  ctx: { readonly mailer: Mailer; readonly logger: Pick<Logger, "error"> },
  message: MailMessage,
): void {
  let sending: Promise<void>;
  try {
    sending = ctx.mailer.send(message);
  } catch (error) {
    sending = Promise.reject(error);
  }
  sending.catch((err: unknown) => {
    ctx.logger.error({ err, subject: message.subject }, "keyship email not sent");
  });
}
