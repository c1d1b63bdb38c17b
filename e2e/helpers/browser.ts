/**
 * Chromium for the e2e tests, launched exactly as measured in BROWSER-TESTING.md, with CDP
 * virtual authenticators and a typed bridge to the test page's `window.e2e`.
 * @module
 */

import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, type CDPSession, chromium, type Page } from "playwright-core";
import { describe } from "vitest";
import type { Outcome, PageApi, PageError } from "../page/app.ts";
import { CEREMONY_TIMEOUT_MS, PAGE_CALL_TIMEOUT_MS } from "../page/timeouts.ts";

export { CEREMONY_TIMEOUT_MS, PAGE_CALL_TIMEOUT_MS };

/** Debian's Chromium (`apt-get install chromium`; `.ci/run` installs it). */
export const CHROMIUM_PATH = "/usr/bin/chromium";

/** Without the networking flags Chromium keeps trying to reach the (closed) network. */
export const CHROMIUM_ARGS: readonly string[] = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const isCI = process.env.CI === "true" || process.env.CI === "1";
const isChromiumMissing = !existsSync(CHROMIUM_PATH);

/**
 * `describe()` for suites that need Chromium. Locally, a missing Chromium skips the suite
 * and says why; under `CI=true` the suite runs and fails in {@link launchBrowser}.
 */
export function describeWithBrowser(name: string, suite: () => void): void {
  if (isChromiumMissing && !isCI) {
    console.warn(
      `Skipping "${name}": no Chromium at ${CHROMIUM_PATH} (apt-get install chromium). ` +
        "Under CI=true this fails instead.",
    );
    describe.skip(
      `${name} [skipped: no Chromium at ${CHROMIUM_PATH}; apt-get install chromium]`,
      suite,
    );
    return;
  }
  describe(name, suite);
}

/**
 * Launches headless Chromium with {@link CHROMIUM_ARGS}.
 * @param extraArgs more command-line flags, e.g. DBSC's features and a certificate to trust
 *   (e2e/helpers/dbsc.ts) @default none
 * @throws when Chromium is missing (the CI case)
 */
export async function launchBrowser(extraArgs: readonly string[] = []): Promise<Browser> {
  if (isChromiumMissing) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}; the browser tests must run on CI ` +
        "(install it with `apt-get install -y chromium`, as .ci/run does).",
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
  });
}

// ---- virtual authenticators ----------------------------------------------------------------

const webAuthnSessions = new WeakMap<Page, Promise<CDPSession>>();

/** One CDP session per page, with the WebAuthn domain enabled (no browser UI). */
function webAuthnSession(page: Page): Promise<CDPSession> {
  let session = webAuthnSessions.get(page);
  if (session === undefined) {
    session = (async () => {
      const cdp = await page.context().newCDPSession(page);
      await cdp.send("WebAuthn.enable", { enableUI: false });
      return cdp;
    })();
    webAuthnSessions.set(page, session);
  }
  return session;
}

/**
 * Attaches a virtual platform authenticator (CTAP2, internal transport, resident keys, user
 * verification, automatic presence) to `page`. Call it before any WebAuthn ceremony.
 * @returns the authenticatorId
 */
export async function withVirtualAuthenticator(page: Page): Promise<string> {
  const cdp = await webAuthnSession(page);
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return authenticatorId;
}

/** Detaches a virtual authenticator (its credentials go with it). */
export async function removeVirtualAuthenticator(
  page: Page,
  authenticatorId: string,
): Promise<void> {
  const cdp = await webAuthnSession(page);
  await cdp.send("WebAuthn.removeVirtualAuthenticator", { authenticatorId });
}

/**
 * Swaps an authenticator for a fresh, empty one, e.g. to add a second passkey while the
 * first is listed in `excludeCredentials`. @returns the new authenticatorId
 */
export async function replaceVirtualAuthenticator(
  page: Page,
  authenticatorId: string,
): Promise<string> {
  await removeVirtualAuthenticator(page, authenticatorId);
  return withVirtualAuthenticator(page);
}

/**
 * Loses the device: swaps the page's authenticator for an empty one and clears the origin's
 * cookies, local and session storage and every IndexedDB database (the device key with them).
 * @returns the new authenticatorId
 */
export async function loseDevice(page: Page, authenticatorId: string): Promise<string> {
  const replaced = await replaceVirtualAuthenticator(page, authenticatorId);
  await page.context().clearCookies();
  await page.evaluate(async () => {
    localStorage.clear();
    sessionStorage.clear();
    for (const { name } of await indexedDB.databases()) {
      if (name === undefined) continue;
      await new Promise((resolve, reject) => {
        const request = indexedDB.deleteDatabase(name);
        request.onsuccess = resolve;
        request.onerror = () => reject(request.error);
      });
    }
  });
  return replaced;
}

/** A credential of a virtual authenticator, as CDP's `WebAuthn.getCredentials` reports it. */
export interface VirtualCredential {
  /** base64 */
  readonly credentialId: string;
  readonly isResidentCredential: boolean;
  readonly rpId?: string;
  /** base64 PKCS#8 */
  readonly privateKey: string;
  readonly userHandle?: string;
  readonly signCount: number;
}

/** The credentials an authenticator holds, private keys included. */
export async function authenticatorCredentials(
  page: Page,
  authenticatorId: string,
): Promise<VirtualCredential[]> {
  const cdp = await webAuthnSession(page);
  return (await cdp.send("WebAuthn.getCredentials", { authenticatorId })).credentials;
}

/**
 * Attaches a fresh authenticator holding copies of `credentials` (e.g. another
 * authenticator's, or another page's). @returns the new authenticatorId
 */
export async function withVirtualAuthenticatorHolding(
  page: Page,
  credentials: readonly VirtualCredential[],
): Promise<string> {
  const cdp = await webAuthnSession(page);
  const authenticatorId = await withVirtualAuthenticator(page);
  for (const credential of credentials) {
    await cdp.send("WebAuthn.addCredential", { authenticatorId, credential });
  }
  return authenticatorId;
}

// ---- the test page ---------------------------------------------------------------------------

/** Console errors and uncaught exceptions of a page, for failure messages. */
const pageLogs = new WeakMap<Page, string[]>();

/** The window size of a test page. */
export interface Viewport {
  readonly width: number;
  readonly height: number;
}

/**
 * Opens `origin` in a new context (fresh IndexedDB) and waits for the page script.
 * @param viewport the window size @default 860×520
 * @returns the page, with its default timeout set to {@link CEREMONY_TIMEOUT_MS}
 */
export async function openTestPage(
  browser: Browser,
  origin: string,
  viewport: Viewport = { width: 860, height: 520 },
): Promise<Page> {
  const context = await browser.newContext({ viewport: { ...viewport } });
  const page = await context.newPage();
  page.setDefaultTimeout(CEREMONY_TIMEOUT_MS);
  const logs: string[] = [];
  pageLogs.set(page, logs);
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") {
      logs.push(`console.${message.type()}: ${message.text()}`);
    }
  });
  page.on("pageerror", (error) => logs.push(`pageerror: ${error.message}`));
  await gotoTestPage(page, origin);
  return page;
}

/** Navigates (or reloads) to the test page and waits until `window.e2e` is ready. */
export async function gotoTestPage(page: Page, origin: string): Promise<void> {
  await page.goto(origin);
  await page.waitForSelector("html[data-ready='true']", { state: "attached" });
}

type Method = keyof PageApi;
type Result<K extends Method> = Awaited<ReturnType<PageApi[K]>>;

/**
 * Calls `window.e2e[method](...args)` in the page, bounded by {@link PAGE_CALL_TIMEOUT_MS}.
 * @returns the page's {@link Outcome}
 */
export async function callPage<K extends Method>(
  page: Page,
  method: K,
  ...args: Parameters<PageApi[K]>
): Promise<Outcome<Result<K>>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `window.e2e.${method}() did not settle within ${PAGE_CALL_TIMEOUT_MS} ms ` +
              `(is a virtual authenticator attached?)${describeLogs(page)}`,
          ),
        ),
      PAGE_CALL_TIMEOUT_MS,
    );
  });
  const call = page.evaluate(
    ([name, values]) =>
      (window.e2e[name] as (...a: unknown[]) => Promise<unknown>)(...values) as Promise<
        Outcome<unknown>
      >,
    [method, args] as const,
  ) as Promise<Outcome<Result<K>>>;
  try {
    return await Promise.race([call, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Calls the page and returns the value. @throws with the page's error code when it failed */
export async function pageOk<K extends Method>(
  page: Page,
  method: K,
  ...args: Parameters<PageApi[K]>
): Promise<Result<K>> {
  const outcome = await callPage(page, method, ...args);
  if (!outcome.ok) {
    throw new Error(
      `window.e2e.${method}() failed: ${describeError(outcome.error)}${describeLogs(page)}`,
    );
  }
  return outcome.value;
}

/** Calls the page expecting a failure. @returns the error (`code`, `status`) */
export async function pageFails<K extends Method>(
  page: Page,
  method: K,
  ...args: Parameters<PageApi[K]>
): Promise<PageError> {
  const outcome = await callPage(page, method, ...args);
  if (outcome.ok) {
    throw new Error(`window.e2e.${method}() succeeded: ${JSON.stringify(outcome.value)}`);
  }
  return outcome.error;
}

function describeError(error: PageError): string {
  const code = error.code === undefined ? "" : ` ${error.code} (HTTP ${error.status})`;
  return `${error.name}${code}: ${error.message}`;
}

function describeLogs(page: Page): string {
  const logs = pageLogs.get(page) ?? [];
  return logs.length === 0 ? "" : `\npage log:\n  ${logs.join("\n  ")}`;
}

// ---- screenshots -----------------------------------------------------------------------------

const IMAGES_DIRECTORY = fileURLToPath(new URL("../../docs/images/", import.meta.url));

/**
 * Screenshots `page` for the docs. Runs write `docs/images/<name>.tmp.png` (git-ignored);
 * with `KEYSHIP_UPDATE_SCREENSHOTS=1` they replace the committed `docs/images/<name>.png`.
 * @param options `fullPage: false` keeps to the viewport @default { fullPage: true }
 * @returns the path written
 */
export async function saveDocsScreenshot(
  page: Page,
  name: string,
  options: { readonly fullPage?: boolean } = {},
): Promise<string> {
  const isUpdate = process.env.KEYSHIP_UPDATE_SCREENSHOTS === "1";
  const path = join(IMAGES_DIRECTORY, isUpdate ? `${name}.png` : `${name}.tmp.png`);
  await page.screenshot({ path, fullPage: options.fullPage ?? true });
  return path;
}
