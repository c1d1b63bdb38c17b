/**
 * The generated app's provider sign-in in Chromium, without generating or installing it: the
 * fullstack template's web app (e2e/helpers/template.ts) served by the template's own API
 * (`createApi()`), with a Keycloak-shaped `oidc-provider`
 * realm configured as the `keycloak` sign-in provider. The sign-in page shows the realm's
 * button (`ProviderButtons.tsx`); the app finishes the return (`providerReturn`) on load. The
 * security page lists the linked realm account (`LinkedAccounts.tsx`): removing the only way to
 * sign in is refused; a step-up through the realm (which signs the person in again) lets a
 * passkey be added; then the realm can be removed and linked again.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createApi } from "../packages/create-keyship/templates/fullstack/api/src/app.ts";
import { listen, type RunningServer } from "../packages/keyship/src/server.ts";
import { startOidcProvider } from "../packages/keyship/test/helpers/oidc-provider.ts";
import { describeWithBrowser, launchBrowser, withVirtualAuthenticator } from "./helpers/browser.ts";
import { browserTestSettings, freePort } from "./helpers/server.ts";
import { serveTemplate } from "./helpers/template.ts";

const REALM = { clientId: "web", clientSecret: "realm-secret" };

const port = await freePort();
const origin = `http://localhost:${port}`;
const idp = await startOidcProvider({
  issuerPath: "/realms/acme",
  clients: [{ ...REALM, redirectUris: [`${origin}/auth/oauth/keycloak/callback`] }],
  accounts: {
    ada: { claims: { email: "ada@acme.test", email_verified: true, name: "Ada Lovelace" } },
  },
  configuration: { conformIdTokenClaims: false },
});
afterAll(() => idp.close());

describeWithBrowser("the template's sign-in page with a provider, in Chromium", () => {
  let browser: Browser | undefined;
  let server: RunningServer | undefined;
  let directory: string;
  let page: Page;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "keyship-template-oauth-"));
    const app = createApi({
      ...browserTestSettings(origin, directory),
      oauth: { keycloak: { realmUrl: idp.issuer, ...REALM } },
    });
    // The template's pages at `/`, where its provider buttons return to.
    serveTemplate(app, ["/", "/security"]);
    [browser, server] = await Promise.all([
      launchBrowser(),
      listen(app, { port, hostname: "127.0.0.1", handleSignals: false }),
    ]);
    page = await browser.newPage();
    page.setDefaultTimeout(5_000);
    page.on("pageerror", (error) => console.error(`pageerror: ${error.message}`));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await rm(directory, { recursive: true, force: true });
  });

  /** Signs in at the realm's login page as `login`, and consents when asked. */
  async function realmLogin(login: string, consent = true): Promise<void> {
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill("any password");
    await page.getByRole("button", { name: "Sign-in" }).click();
    if (consent) await page.getByRole("button", { name: "Continue" }).click();
  }

  /** Clicks the realm's button and comes back signed in, past the realm's pages if shown. */
  async function continueWithRealm(login?: string): Promise<void> {
    await page.getByRole("button", { name: "Keycloak" }).click();
    if (login !== undefined) await realmLogin(login);
    await page.getByRole("button", { name: "Sign out" }).waitFor();
  }

  const linkedAccounts = () => page.getByTestId("linked-account");
  const notice = (text: string) => page.getByText(text).waitFor();

  it("shows the realm's button, signs up through it and lands signed in", async () => {
    await page.goto(origin);
    await page.getByText("or continue with").waitFor();
    await continueWithRealm("ada");
    expect(new URL(page.url())).toMatchObject({ pathname: "/", hash: "" });
    await page.getByRole("heading", { name: "Hi, Ada Lovelace" }).waitFor();
  });

  it("signs out and in again through the realm's session", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await continueWithRealm();
    await page.getByRole("heading", { name: "Hi, Ada Lovelace" }).waitFor();
  });

  it("explains a failed return under the buttons", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    // The sign-out must finish first: a page loaded while the device key is still held
    // signs straight in, and the return's message never shows.
    await page.getByRole("heading", { name: "Welcome back" }).waitFor();
    await page.goto(`${origin}/#keyship_oauth_error=oauth.access_denied`);
    await page.getByText("The sign-in was cancelled at the provider.").waitFor();
    expect(new URL(page.url()).hash).toBe("");
  });

  it("lists the realm on the security page and refuses to remove the only way to sign in", async () => {
    await continueWithRealm();
    await page.getByRole("link", { name: "Security" }).click();
    await expect.poll(() => linkedAccounts().count()).toBe(1);
    expect(await linkedAccounts().textContent()).toContain("ada@acme.test");
    await linkedAccounts().getByRole("button", { name: "Remove" }).click();
    await page.getByRole("button", { name: "Remove Keycloak" }).click();
    await notice("This is your only way to sign in; add a passkey first.");
    expect(await linkedAccounts().count()).toBe(1);
  });

  it("adds a passkey after signing in at the realm again, then removes and links the realm", async () => {
    await withVirtualAuthenticator(page);
    // No passkey yet: the step-up goes through the realm, which asks to sign in again
    // (max_age=0) and brings the browser back to this page.
    await page.getByRole("button", { name: "Add a passkey" }).click();
    await realmLogin("ada", false);
    await notice("Confirmed. You can make the change now.");
    expect(new URL(page.url())).toMatchObject({ pathname: "/security", hash: "" });
    await page.getByRole("button", { name: "Add a passkey" }).click();
    await notice("Passkey added.");
    await expect.poll(() => page.getByTestId("passkey").count()).toBe(1);

    await linkedAccounts().getByRole("button", { name: "Remove" }).click();
    await page.getByRole("button", { name: "Remove Keycloak" }).click();
    await notice("Keycloak removed.");
    await expect.poll(() => linkedAccounts().count()).toBe(0);

    await page.getByRole("button", { name: "Link Keycloak" }).click();
    await notice("Provider linked: you can sign in with it.");
    await expect.poll(() => linkedAccounts().count()).toBe(1);
  });
});
