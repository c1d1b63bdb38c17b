/**
 * `npm create keyship` end to end: the fullstack template generated against this repository's
 * packages, installed, started with `npm run dev`, and used in Chromium with a virtual
 * authenticator — sign up, reload, protected API data, sign out, sign in, manage passkeys.
 */

import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  describeWithBrowser,
  launchBrowser,
  replaceVirtualAuthenticator,
  saveDocsScreenshot,
  withVirtualAuthenticator,
} from "./helpers/browser.ts";
import { type ScaffoldedApp, startScaffoldedApp } from "./helpers/scaffold.ts";

/** Generating and installing needs the registry (or npm's cache): give it time. */
const SETUP_TIMEOUT_MS = 180_000;
const STEP_TIMEOUT_MS = 30_000;

describeWithBrowser("a generated fullstack app in Chromium", () => {
  let app: ScaffoldedApp | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let authenticatorId: string;
  const logs: string[] = [];

  beforeAll(async () => {
    const [started, launched] = await Promise.allSettled([startScaffoldedApp(), launchBrowser()]);
    if (started.status === "fulfilled") app = started.value;
    if (launched.status === "fulfilled") browser = launched.value;
    if (started.status === "rejected") throw started.reason;
    if (launched.status === "rejected") throw launched.reason;

    const context = await launched.value.newContext({ viewport: { width: 1040, height: 600 } });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on("pageerror", (error) => logs.push(`pageerror: ${error.message}`));
    page.on("console", (m) => {
      if (m.type() === "error") logs.push(`console.error: ${m.text()}`);
    });
    authenticatorId = await withVirtualAuthenticator(page);
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  }, 30_000);

  const origin = () => app!.origin;

  it("passes its own npm test (API tests and the web app's type check)", async () => {
    const output = await app!.npm("test");
    expect(output).toMatch(/pass 13/);
    expect(output).toMatch(/fail 0/);
  }, 60_000);
  const heading = () => page.getByRole("heading", { level: 1 });

  it(
    "greets a first-time visitor without an error when the autofill request is dismissed",
    async () => {
      // A separate page whose conditional (autofill) request ends as a browser ends one that
      // times out unseen: NotAllowedError. The sign-in page must show nothing for it.
      const visitor = await page.context().newPage();
      await visitor.addInitScript(() => {
        const get = navigator.credentials.get.bind(navigator.credentials);
        navigator.credentials.get = (options?: CredentialRequestOptions) => {
          if (options?.mediation !== "conditional") return get(options);
          return new Promise((_resolve, reject) =>
            setTimeout(() => {
              reject(new DOMException("The operation timed out.", "NotAllowedError"));
              (window as { autofillEnded?: boolean }).autofillEnded = true;
            }, 50),
          );
        };
      });
      await visitor.goto(`${origin()}/signin`);
      await visitor.getByRole("heading", { name: "Welcome back" }).waitFor();
      await visitor.waitForFunction(() => (window as { autofillEnded?: boolean }).autofillEnded);
      // Let the rejection reach the page and React render what it would render.
      await visitor.evaluate(
        () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))),
      );
      expect(await visitor.getByRole("alert").count()).toBe(0);
      await visitor.close();
    },
    STEP_TIMEOUT_MS,
  );

  it(
    "signs up with a passkey and shows data from the protected API",
    async () => {
      await page.goto(`${origin()}/signup`);
      await page.getByLabel("Email").fill("ada@example.com");
      await page.getByLabel("Name").fill("Ada Lovelace");
      await page.getByRole("button", { name: "Sign up with a passkey" }).click();
      await expect.poll(() => heading().textContent()).toBe("Hi, Ada Lovelace");
      await page.getByTestId("api-message").waitFor();
      expect(await page.getByTestId("api-message").textContent(), logs.join("\n")).toMatch(
        /valid device token/,
      );
    },
    STEP_TIMEOUT_MS,
  );

  it(
    "is still signed in after a reload, with fresh API data",
    async () => {
      await page.reload();
      await page.getByTestId("api-message").waitFor();
      expect(await heading().textContent()).toBe("Hi, Ada Lovelace");
      // The scoped route is refused (no reports:read yet), and says how to get the scope.
      await page.getByText("Needs the").waitFor();
      await saveDocsScreenshot(page, "scaffold-signed-in");
    },
    STEP_TIMEOUT_MS,
  );

  it(
    "signs out, then signs in again from the passkey autofill",
    async () => {
      // The sign-in page shows at once, but the autofill below may sign in again within a
      // few frames, before a poll for its heading sees it: note its heading as it is drawn.
      await page.evaluate(() => {
        const seen = window as { sawSignIn?: boolean };
        new MutationObserver((_, observer) => {
          const headings = [...document.querySelectorAll("h1")];
          if (!headings.some((h1) => h1.textContent === "Welcome back")) return;
          seen.sawSignIn = true;
          observer.disconnect();
        }).observe(document.body, { childList: true, subtree: true, characterData: true });
      });
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.waitForFunction(() => (window as { sawSignIn?: boolean }).sawSignIn === true);
      // No click: the sign-in page starts a conditional (autofill) request on the email field
      // (autocomplete="username webauthn"), and the virtual authenticator, with automatic
      // presence, answers it with the passkey.
      await expect.poll(() => heading().textContent()).toBe("Hi, Ada Lovelace");
      await page.getByTestId("api-message").waitFor();
    },
    STEP_TIMEOUT_MS,
  );

  it(
    "adds, renames and removes passkeys, and lists this device",
    async () => {
      await page.getByRole("link", { name: "Security" }).click();
      const passkeys = page.getByTestId("passkey");
      await expect.poll(() => passkeys.count()).toBe(1);
      await page.getByTestId("device").filter({ hasText: "this device" }).waitFor();

      // Renaming happens in place (no prompt()); it is sensitive: the SDK runs the step-up
      // prompt, answered by the passkey.
      await passkeys.first().getByRole("button", { name: "Rename" }).click();
      await passkeys.first().getByLabel("Passkey name").fill("Laptop");
      await passkeys.first().getByRole("button", { name: "Save" }).click();
      await passkeys.filter({ hasText: "Laptop" }).waitFor();

      // The first authenticator holds an excluded credential: add from a fresh one (the
      // step-up above is still fresh, so no second prompt is needed).
      authenticatorId = await replaceVirtualAuthenticator(page, authenticatorId);
      await page.getByRole("button", { name: "Add a passkey" }).click();
      await page.getByText("Passkey added.").waitFor();
      await expect.poll(() => passkeys.count()).toBe(2);

      // Removing asks first, in place: nothing happens until it is confirmed.
      const second = passkeys.filter({ hasNotText: "Laptop" });
      await second.getByRole("button", { name: "Remove", exact: true }).click();
      await second.getByRole("button", { name: "Cancel" }).click();
      expect(await passkeys.count()).toBe(2);
      await second.getByRole("button", { name: "Remove", exact: true }).click();
      await second.getByRole("button", { name: "Remove passkey" }).click();
      await page.getByText("Passkey removed.").waitFor();
      await expect.poll(() => passkeys.count()).toBe(1);

      // The last passkey cannot go: the API answers passkey.last_passkey, the page explains.
      await passkeys.getByRole("button", { name: "Remove", exact: true }).click();
      await passkeys.getByRole("button", { name: "Remove passkey" }).click();
      await page.getByText("Add another passkey before removing your last one.").waitFor();
      expect(await passkeys.count()).toBe(1);
    },
    STEP_TIMEOUT_MS,
  );
});
