/**
 * Mailers (console for development, SMTP) and the reset and verification emails.
 * @module
 */
export { consoleMailer } from "./console.ts";
export { MailDeliveryError, type Mailer, type MailMessage } from "./mailer.ts";
export { type CreateMailerOptions, createMailer } from "./registry.ts";
export { type SmtpMailerOptions, smtpMailer } from "./smtp.ts";
export { buildLink, emailVerificationEmail, passwordResetEmail } from "./templates.ts";
