/**
 * The emails of email change and account recovery: two link emails and three notices, plain
 * text plus HTML, every inserted value HTML-escaped.
 * @module
 */
import { KeyshipConfigError } from "../errors.ts";
import type { MailMessage } from "./mailer.ts";
import {
  describeMinutes,
  escapeHtml,
  type LinkEmailInput,
  renderLinkEmail,
  resolveCopyInputs,
} from "./templates.ts";

/** The default pages of the account link emails. */
export const ACCOUNT_EMAIL_PATHS = Object.freeze({
  emailChange: "/confirm-email",
  recovery: "/recover",
});

/** What a notice needs: the recipient and the app's name (one line). */
export interface NoticeInput {
  readonly to: string;
  readonly appName: string;
}

/** Renders a notice without a link: a subject and paragraphs. */
function renderNotice(input: NoticeInput, subject: string, paragraphs: string[]): MailMessage {
  if (input.appName.trim() === "" || /\p{Cc}/u.test(input.appName)) {
    throw new KeyshipConfigError(["the app name must be one non-empty line"]);
  }
  const html = [
    "<!doctype html>",
    '<html><body style="font-family: sans-serif; line-height: 1.5">',
    ...paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    "</body></html>",
  ].join("\n");
  return { to: input.to, subject, text: `${paragraphs.join("\n\n")}\n`, html };
}

/**
 * The link that confirms a new email address, sent to that address.
 * @throws KeyshipConfigError for a bad app URL, path, name or lifetime, or an empty token
 */
export function emailChangeEmail(input: LinkEmailInput): MailMessage {
  const { appName, link, minutes } = resolveCopyInputs(input, ACCOUNT_EMAIL_PATHS.emailChange, 60);
  return renderLinkEmail(
    input,
    {
      subject: `Confirm your new email address for ${appName}`,
      intro: `Someone asked to use this address for their ${appName} account.`,
      action: `Confirm the new address (the link works once, for ${describeMinutes(minutes)})`,
      outro: "If this was not you, ignore this email: nothing changes.",
    },
    link,
  );
}

/**
 * The neutral notice sent instead of a link when the new address already belongs to an
 * account: the mailbox's owner learns it, the person who asked does not.
 */
export function emailInUseNotice(input: NoticeInput): MailMessage {
  return renderNotice(input, `Your email address and ${input.appName}`, [
    `Someone asked to use this address for a ${input.appName} account, but it already belongs to an account there, so nothing changed.`,
    "If this was you, sign in with the account that has this address. Otherwise, ignore this email.",
  ]);
}

/** The notice sent to the old address once an account's email address changed. */
export function emailChangedNotice(input: NoticeInput): MailMessage {
  return renderNotice(input, `The email address of your ${input.appName} account changed`, [
    `The email address of your ${input.appName} account was changed, and this address is no longer used to sign in or recover it.`,
    "If this was not you, recover your account with a recovery code and change the address back.",
  ]);
}

/** The notice sent to an account once it was recovered. */
export function accountRecoveredNotice(input: NoticeInput): MailMessage {
  return renderNotice(input, `Your ${input.appName} account was recovered`, [
    `A new passkey was registered on your ${input.appName} account through account recovery, and every other device and session was signed out.`,
    "If this was not you, contact support at once: someone holds one of your recovery codes or your mailbox.",
  ]);
}

/**
 * The single-use recovery link (`KEYSHIP_RECOVERY_EMAIL_ENABLED`).
 * @throws KeyshipConfigError for a bad app URL, path, name or lifetime, or an empty token
 */
export function recoveryLinkEmail(input: LinkEmailInput): MailMessage {
  const { appName, link, minutes } = resolveCopyInputs(input, ACCOUNT_EMAIL_PATHS.recovery, 15);
  return renderLinkEmail(
    input,
    {
      subject: `Recover your ${appName} account`,
      intro: `Someone asked to recover your ${appName} account with a new passkey.`,
      action: `Register a new passkey (the link works once, for ${describeMinutes(minutes)})`,
      outro: "If this was not you, ignore this email: nothing changes unless the link is used.",
    },
    link,
  );
}
