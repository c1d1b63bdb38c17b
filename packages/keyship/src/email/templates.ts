/**
 * The emails keyship sends, as plain text plus HTML, and the links inside them.
 * @module
 */
import { KeyshipConfigError } from "../errors.ts";
import type { MailMessage } from "./mailer.ts";

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/**
 * Escapes text for HTML element content and quoted attribute values.
 *
 * @param value the text to insert
 * @example
 * escapeHtml(`<a href="x">`); // "&lt;a href=&quot;x&quot;&gt;"
 */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

/** Options for {@link buildLink}. */
export interface BuildLinkOptions {
  /**
   * Where the token goes. `fragment` (`#token=…`) keeps it out of server logs, proxies,
   * `Referer` headers and link scanners; the page reads `location.hash` and POSTs it.
   * @default "fragment"
   */
  readonly placement?: "fragment" | "query";
}

const PLACEHOLDER_ORIGIN = "https://placeholder.invalid";

/**
 * Builds the link an email carries: the app URL (its path kept), then `path`, then the token.
 * The link always stays on the app's origin.
 *
 * @param appUrl the app's public URL from settings, e.g. `https://app.example.com/base`
 * @param path an absolute path under it, e.g. `/reset-password`; may carry a query
 * @param token the token, URL-encoded into the link
 * @param options where the token goes @default { placement: "fragment" }
 * @example
 * buildLink("https://app.example.com", "/reset-password", "r2c…");
 * // "https://app.example.com/reset-password#token=r2c…"
 * @throws KeyshipConfigError when `appUrl` is not http(s), `path` does not start with a single
 *   `/`, or `token` is empty
 */
export function buildLink(
  appUrl: string,
  path: string,
  token: string,
  options: BuildLinkOptions = {},
): string {
  let base: URL;
  try {
    base = new URL(appUrl);
  } catch {
    throw new KeyshipConfigError(["the app URL must be an absolute http(s) URL"]);
  }
  if (base.protocol !== "https:" && base.protocol !== "http:") {
    throw new KeyshipConfigError(["the app URL must be an absolute http(s) URL"]);
  }
  // "//evil.example/x" or "/\evil.example" would resolve to another host.
  if (!path.startsWith("/") || path.startsWith("//") || path.startsWith("/\\")) {
    throw new KeyshipConfigError([`the email link path must start with one "/", got ${path}`]);
  }
  if (typeof token !== "string" || token === "") {
    throw new KeyshipConfigError(["an email link needs a non-empty token"]);
  }
  const relative = new URL(path, PLACEHOLDER_ORIGIN);
  const link = new URL(base.origin);
  link.pathname = `${base.pathname.replace(/\/+$/, "")}${relative.pathname}`;
  const query = new URLSearchParams(relative.search);
  const carried = new URLSearchParams({ token }).toString();
  if (options.placement === "query") {
    query.set("token", token);
    link.search = query.toString();
  } else {
    link.search = query.toString();
    link.hash = carried;
  }
  const href = link.href;
  if (new URL(href).origin !== base.origin) {
    throw new KeyshipConfigError(["the email link must stay on the app URL's origin"]);
  }
  return href;
}

/** What both link emails need. */
export interface LinkEmailInput {
  /** The recipient: one bare address. */
  readonly to: string;
  /** The app's public URL, e.g. `https://app.example.com`. */
  readonly appUrl: string;
  /** The single-use token (store only its SHA-256). */
  readonly token: string;
  /** The app's name, in the subject and body. One line. @default the app URL's host */
  readonly appName?: string;
  /** The page that takes the token. @default "/reset-password" or "/verify-email" */
  readonly path?: string;
  /** How long the link lives, stated in the email. @default 30 (reset) or 1440 (verification) */
  readonly expiresInMinutes?: number;
  /** Where the token goes in the link. @default "fragment" */
  readonly placement?: "fragment" | "query";
}

/** The default page paths of the link emails. */
export const DEFAULT_EMAIL_PATHS = Object.freeze({
  passwordReset: "/reset-password",
  emailVerification: "/verify-email",
});

/** The words of a link email. */
export interface LinkEmailCopy {
  readonly subject: string;
  readonly intro: string;
  readonly action: string;
  readonly outro: string;
}

/**
 * Renders a link email: the intro, the link as a button and as text, the outro; every inserted
 * value HTML-escaped.
 * @param input the recipient
 * @param copy the subject and the sentences
 * @param link the link, from {@link buildLink}
 */
export function renderLinkEmail(
  input: Pick<LinkEmailInput, "to">,
  copy: LinkEmailCopy,
  link: string,
): MailMessage {
  const text = `${copy.intro}\n\n${copy.action}:\n${link}\n\n${copy.outro}\n`;
  const html = [
    "<!doctype html>",
    '<html><body style="font-family: sans-serif; line-height: 1.5">',
    `<p>${escapeHtml(copy.intro)}</p>`,
    `<p><a href="${escapeHtml(link)}">${escapeHtml(copy.action)}</a></p>`,
    `<p>Or paste this link into your browser:<br>${escapeHtml(link)}</p>`,
    `<p>${escapeHtml(copy.outro)}</p>`,
    "</body></html>",
  ].join("\n");
  return { to: input.to, subject: copy.subject, text, html };
}

/**
 * The link, the app's name and the lifetime a link email states, checked.
 * @param input the email's input
 * @param defaultPath the page when `input.path` is unset
 * @param defaultMinutes the lifetime when `input.expiresInMinutes` is unset
 * @throws KeyshipConfigError for a bad app URL, path, name or lifetime, or an empty token
 */
export function resolveCopyInputs(
  input: LinkEmailInput,
  defaultPath: string,
  defaultMinutes: number,
): { appName: string; link: string; minutes: number } {
  const link = buildLink(input.appUrl, input.path ?? defaultPath, input.token, {
    placement: input.placement ?? "fragment",
  });
  const appName = input.appName ?? new URL(input.appUrl).host;
  // The name goes into the Subject header: control characters would split it.
  if (appName.trim() === "" || /\p{Cc}/u.test(appName)) {
    throw new KeyshipConfigError(["the app name must be one non-empty line"]);
  }
  const minutes = input.expiresInMinutes ?? defaultMinutes;
  if (!Number.isSafeInteger(minutes) || minutes <= 0) {
    throw new KeyshipConfigError([
      "an email link's lifetime must be a positive whole number of minutes",
    ]);
  }
  return { appName, link, minutes };
}

/** "30 minutes", "1 hour", "2 days". */
export function describeMinutes(minutes: number): string {
  if (minutes % 1440 === 0) return plural(minutes / 1440, "day");
  if (minutes % 60 === 0) return plural(minutes / 60, "hour");
  return plural(minutes, "minute");
}

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? "" : "s"}`;
}

/**
 * The password-reset email: plain text and HTML, every inserted value HTML-escaped.
 *
 * @param input recipient, app URL, token, and optional name, path, lifetime and placement
 * @example
 * await mailer.send(passwordResetEmail({ to: user.email, appUrl: settings.appUrl, token }));
 * @throws KeyshipConfigError for a bad app URL, path, name or lifetime, or an empty token
 */
export function passwordResetEmail(input: LinkEmailInput): MailMessage {
  const { appName, link, minutes } = resolveCopyInputs(
    input,
    DEFAULT_EMAIL_PATHS.passwordReset,
    30,
  );
  return renderLinkEmail(
    input,
    {
      subject: `Reset your ${appName} password`,
      intro: `Someone asked to reset the password of your ${appName} account.`,
      action: `Choose a new password (the link works once, for ${describeMinutes(minutes)})`,
      outro: "If this was not you, ignore this email: your password stays as it is.",
    },
    link,
  );
}

/**
 * The email-verification email: plain text and HTML, every inserted value HTML-escaped.
 *
 * @param input recipient, app URL, token, and optional name, path, lifetime and placement
 * @example
 * await mailer.send(emailVerificationEmail({ to: user.email, appUrl: settings.appUrl, token }));
 * @throws KeyshipConfigError for a bad app URL, path, name or lifetime, or an empty token
 */
export function emailVerificationEmail(input: LinkEmailInput): MailMessage {
  const { appName, link, minutes } = resolveCopyInputs(
    input,
    DEFAULT_EMAIL_PATHS.emailVerification,
    1440,
  );
  return renderLinkEmail(
    input,
    {
      subject: `Confirm your email address for ${appName}`,
      intro: `Please confirm that this address belongs to your ${appName} account.`,
      action: `Confirm your email address (the link works once, for ${describeMinutes(minutes)})`,
      outro: "If you did not sign up, ignore this email.",
    },
    link,
  );
}
