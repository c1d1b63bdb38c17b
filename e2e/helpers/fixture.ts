/**
 * The shared setup of a browser suite: Chromium and a keyship server started together, one
 * page on the test page with a virtual authenticator attached, all closed after the suite.
 * @module
 */

import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { launchBrowser, openTestPage, type Viewport, withVirtualAuthenticator } from "./browser.ts";
import { type E2EServer, type E2EServerOptions, startE2EServer } from "./server.ts";

/** What a browser suite works with; filled in by its `beforeAll`. */
export interface TestPageFixture {
  readonly browser: Browser;
  readonly server: E2EServer;
  /** `http://localhost:<port>` */
  readonly origin: string;
  readonly page: Page;
  /** The virtual authenticator attached to {@link page} at the start. */
  readonly authenticatorId: string;
}

/** Options of {@link useTestPage}. */
export interface TestPageOptions {
  /** How the server starts. @default {} */
  readonly server?: E2EServerOptions;
  /** The page's window size. @default 860×520 */
  readonly viewport?: Viewport;
}

/**
 * Registers `beforeAll`/`afterAll` hooks that start and stop the fixture; call it at the top
 * of a `describe`. Read the returned object inside tests or later hooks only.
 * @example
 * const t = useTestPage();
 * it("registers", async () => expect(await pageOk(t.page, "register", {})).toBeDefined());
 */
export function useTestPage(options: TestPageOptions = {}): TestPageFixture {
  const fixture = {} as { -readonly [K in keyof TestPageFixture]: TestPageFixture[K] };
  let browser: Browser | undefined;
  let server: E2EServer | undefined;

  beforeAll(async () => {
    const [launched, started] = await Promise.allSettled([
      launchBrowser(),
      startE2EServer(options.server),
    ]);
    // Keep whichever started, so that afterAll closes it even when the other failed.
    if (launched.status === "fulfilled") browser = launched.value;
    if (started.status === "fulfilled") server = started.value;
    if (launched.status === "rejected") throw launched.reason;
    if (started.status === "rejected") throw started.reason;

    fixture.browser = launched.value;
    fixture.server = started.value;
    fixture.origin = started.value.origin;
    fixture.page = await openTestPage(launched.value, started.value.origin, options.viewport);
    fixture.authenticatorId = await withVirtualAuthenticator(fixture.page);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  return fixture;
}
