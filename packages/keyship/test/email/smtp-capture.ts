/**
 * A real SMTP server (`smtp-server`) on 127.0.0.1 that keeps every message it receives,
 * parsed with `mailparser`.
 */
import type { AddressInfo } from "node:net";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

/** One received message: the SMTP envelope and the parsed MIME message. */
export interface CapturedMail {
  readonly envelope: { readonly from: string | false; readonly to: readonly string[] };
  readonly parsed: ParsedMail;
}

export interface SmtpCapture {
  readonly url: string;
  readonly messages: CapturedMail[];
  close(): Promise<void>;
}

export async function startSmtpCapture(): Promise<SmtpCapture> {
  const messages: CapturedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    // Plain SMTP on loopback: no STARTTLS offer, so the client does not try to upgrade.
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          messages.push({
            envelope: {
              from: session.envelope.mailFrom === false ? false : session.envelope.mailFrom.address,
              to: session.envelope.rcptTo.map((r) => r.address),
            },
            parsed,
          });
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Reads the first `href` of an HTML body, with the HTML entities decoded. */
export function firstHref(html: string): string {
  const match = /<a\s[^>]*href="([^"]*)"/i.exec(html);
  if (!match?.[1]) throw new Error("no link in the HTML body");
  return match[1]
    .replaceAll("&quot;", '"')
    .replaceAll("&#39;", "'")
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&amp;", "&");
}

/** The token of a keyship link, from its fragment or its query. */
export function tokenOf(link: string): string | null {
  const url = new URL(link);
  return new URLSearchParams(url.hash.slice(1)).get("token") ?? url.searchParams.get("token");
}
