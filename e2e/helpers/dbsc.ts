/**
 * Device Bound Session Credentials (DBSC) in real Chromium, as measured in BROWSER-TESTING.md:
 * Chromium trusting the HTTPS stack's certificate (https-stack.ts) by its SPKI hash, with the
 * DBSC features on (or off), and the browser's own DBSC events read over CDP.
 * @module
 */

import type { Browser, Page } from "playwright-core";
import { launchBrowser } from "./browser.ts";
import { EventLog, type WaitOptions } from "./event-log.ts";
import { type TestCertificate, trustCertificateArg } from "./tls.ts";

/**
 * DBSC is off by default in Chromium 156; the second feature lets it use a software key where
 * there is no TPM (a headless Linux box).
 */
export const DBSC_FEATURES_ARG =
  "--enable-features=DeviceBoundSessions,EnableBoundSessionCredentialsSoftwareKeysForManualTesting";

/**
 * Chromium that trusts the stack's certificate, with DBSC on (`dbsc: true`) or as it ships.
 * @example const browser = await launchHttpsBrowser(stack.certificate, { dbsc: true });
 */
export function launchHttpsBrowser(
  certificate: TestCertificate,
  options: { readonly dbsc: boolean },
): Promise<Browser> {
  const args = [trustCertificateArg(certificate)];
  if (options.dbsc) args.push(DBSC_FEATURES_ARG);
  return launchBrowser(args);
}

/** One `Network.deviceBoundSessionEventOccurred` of CDP (the fields the tests read). */
export interface DbscBrowserEvent {
  readonly sessionId?: string;
  readonly succeeded: boolean;
  readonly creationEventDetails?: { readonly fetchResult: string };
  readonly refreshEventDetails?: {
    readonly refreshResult: string;
    readonly fetchResult?: string;
    readonly wasFullyProactiveRefresh: boolean;
  };
  readonly terminationEventDetails?: { readonly deletionReason: string };
  readonly challengeEventDetails?: { readonly challengeResult: string };
}

/** What a page's browser context does with DBSC sessions, as it tells DevTools. */
export interface DbscBrowserEvents {
  readonly events: readonly DbscBrowserEvent[];
  /** The first event from `since` on that matches, waited for. */
  waitFor(
    matches: (event: DbscBrowserEvent) => boolean,
    options?: WaitOptions,
  ): Promise<DbscBrowserEvent>;
}

function describeEvent(event: DbscBrowserEvent): string {
  const details =
    event.creationEventDetails ??
    event.refreshEventDetails ??
    event.terminationEventDetails ??
    event.challengeEventDetails;
  return `${event.sessionId ?? "?"} ${event.succeeded ? "ok" : "failed"} ${JSON.stringify(details)}`;
}

/**
 * Listens to the DBSC events of `page`'s browser context (CDP
 * `Network.enableDeviceBoundSessions`): creations, refreshes, challenges and terminations.
 */
export async function watchDbscEvents(page: Page): Promise<DbscBrowserEvents> {
  const log = new EventLog<DbscBrowserEvent>(describeEvent);
  const cdp = await page.context().newCDPSession(page);
  cdp.on("Network.deviceBoundSessionEventOccurred", (event) => log.push(event));
  await cdp.send("Network.enable");
  await cdp.send("Network.enableDeviceBoundSessions", { enable: true });
  return {
    get events() {
      return log.entries;
    },
    waitFor: (matches, options) => log.waitFor(matches, options),
  };
}

/**
 * `fetch(path)` in the page (same origin, its cookies and all): a GET, or a JSON POST of `body`.
 * @returns the status and the JSON answer (`{}` when empty)
 */
export async function pageRequest(
  page: Page,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  return page.evaluate(
    async ([url, json]) => {
      const response = await fetch(url, {
        method: json === undefined ? "GET" : "POST",
        headers: json === undefined ? {} : { "content-type": "application/json" },
        body: json === undefined ? undefined : JSON.stringify(json),
      });
      const text = await response.text();
      return { status: response.status, body: text === "" ? {} : JSON.parse(text) };
    },
    [path, body] as const,
  );
}

/** The protected header of a compact JWS. */
export function jwsHeader(jws: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jws.split(".")[0] ?? "", "base64url").toString("utf8"));
}
