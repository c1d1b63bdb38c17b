/**
 * Provider sign-in driven in Chromium against a real OpenID provider (`oidc-provider` on
 * loopback, Keycloak-shaped: a realm issuer `/realms/acme` configured as the `keycloak` preset's
 * realm URL, realm roles in `realm_access.roles`). The test page's buttons call the SDK's
 * `signInWith()` / `linkAccount()`; the browser follows the redirects to the provider, fills in
 * its sign-in and consent pages, carries the flow cookie back to keyship's callback and lands on
 * the page with the `#keyship_oauth…` fragment, which `completeOAuth()` reads and clears.
 */
import type { Page } from "playwright-core";
import { afterAll, expect, it } from "vitest";
import { requireAdmin } from "../packages/keyship/src/guards/guards.ts";
import { startOidcProvider } from "../packages/keyship/test/helpers/oidc-provider.ts";
import { describeWithBrowser, pageFails, pageOk } from "./helpers/browser.ts";
import { useTestPage } from "./helpers/fixture.ts";
import { freePort } from "./helpers/server.ts";

const API = "https://api.acme.test";
const OPS_BOT = { clientId: "ops-bot", clientSecret: "ops-bot-secret" };
const REPORT_BOT = { clientId: "report-bot", clientSecret: "report-bot-secret" };
const REALM = { clientId: "keyship-web", clientSecret: "realm-secret" };

const port = await freePort();
const origin = `http://localhost:${port}`;
const idp = await startOidcProvider({
  issuerPath: "/realms/acme",
  clients: [
    { ...REALM, redirectUris: [`${origin}/auth/oauth/keycloak/callback`] },
    { ...OPS_BOT, tokenClaims: { realm_access: { roles: ["admin", "ops"] } } },
    { ...REPORT_BOT, tokenClaims: { realm_access: { roles: ["reporting"] } } },
  ],
  accounts: {
    ada: { claims: { email: "ada@acme.test", email_verified: true, name: "Ada Lovelace" } },
    grace: { claims: { email: "grace@acme.test", email_verified: true, name: "Grace Hopper" } },
  },
  resources: { [API]: { audience: "acme-api", scope: "orders:read" } },
  // Like Keycloak, the realm puts the user's claims in the ID token.
  configuration: { conformIdTokenClaims: false },
});
afterAll(() => idp.close());

describeWithBrowser("provider sign-in in Chromium (Keycloak-shaped realm)", () => {
  const t = useTestPage({
    server: {
      port,
      settings: {
        oauth: { keycloak: { realmUrl: idp.issuer, ...REALM } },
        trust: {
          keycloak: { issuer: idp.issuer, audience: "acme-api", rolesClaim: "realm_access.roles" },
        },
      },
      routes: (app) => app.get("/api/ops", requireAdmin(), (c) => c.json(c.var.principal)),
    },
  });
  let adaId: string;
  let lin: { userId: string; accountId?: string };

  /**
   * Clicks a provider button and follows the browser through the provider (its sign-in page as
   * `login`, then its consent page, when it shows them) back to the test page.
   */
  async function throughProvider(page: Page, button: string, login?: string): Promise<void> {
    const isBack = (url: URL) => url.origin === origin && url.hash.includes("keyship_oauth");
    const back = page.waitForURL(isBack, { waitUntil: "domcontentloaded" });
    await pageOk(page, "showProviderButtons");
    await page.locator(button).click();
    if (login !== undefined) {
      await page.locator('input[name="login"]').fill(login);
      await page.locator('input[name="password"]').fill("any password");
      await page.getByRole("button", { name: "Sign-in" }).click();
      await page.getByRole("button", { name: "Continue" }).click();
    }
    await back;
    await page.waitForSelector("html[data-ready='true']", { state: "attached" });
  }

  it("lists the realm for a sign-in button", async () => {
    expect(await pageOk(t.page, "listProviders")).toEqual([
      { id: "keycloak", label: "Keycloak", kind: "oidc" },
    ]);
  });

  it("signs up through the realm's sign-in and consent pages; completeOAuth() clears the fragment", async () => {
    await throughProvider(t.page, '[data-sign-in-with="keycloak"]', "ada");
    const outcome = await pageOk(t.page, "completeOAuth");
    expect(outcome).toMatchObject({ kind: "signed_in", provider: "keycloak", created: true });
    expect(new URL(t.page.url()).hash).toBe("");
    const me = await pageOk(t.page, "me");
    expect(me).toMatchObject({ email: "ada@acme.test", displayName: "Ada Lovelace" });
    adaId = me.id;
    expect(await pageOk(t.page, "completeOAuth")).toBeNull();
  });

  it("signs in again to the same account, through the realm's session (no pages)", async () => {
    await pageOk(t.page, "logout");
    await throughProvider(t.page, '[data-sign-in-with="keycloak"]');
    const outcome = await pageOk(t.page, "completeOAuth");
    expect(outcome).toMatchObject({ kind: "signed_in", userId: adaId, created: false });
    expect((await pageOk(t.page, "me")).id).toBe(adaId);
  });

  it("refuses to unlink the only way a provider-only account signs in", async () => {
    const [account] = await pageOk(t.page, "listAccounts");
    expect(account).toMatchObject({ provider: "keycloak", email: "ada@acme.test" });
    const error = await pageFails(t.page, "unlinkAccount", account?.id as string);
    expect({ code: error.code, status: error.status }).toEqual({
      code: "oauth.last_sign_in_method",
      status: 409,
    });
  });

  it("links the realm to a passkey account after a step-up with the virtual authenticator", async () => {
    await pageOk(t.page, "logout");
    const signUp = await pageOk(t.page, "register", { email: "lin@example.com" });
    lin = { userId: signUp.userId };
    // Another realm user: forget ada's session at the provider.
    await t.page.context().clearCookies({ domain: "127.0.0.1" });
    const steppedUp = t.page.waitForResponse((r) => r.url().endsWith("/auth/step-up/finish"));
    await throughProvider(t.page, '[data-link="keycloak"]', "grace");
    expect((await steppedUp).status()).toBe(200);
    expect(await pageOk(t.page, "completeOAuth")).toEqual({ kind: "linked", provider: "keycloak" });
    const accounts = await pageOk(t.page, "listAccounts");
    expect(accounts.map((a) => [a.provider, a.email])).toEqual([["keycloak", "grace@acme.test"]]);
    lin.accountId = accounts[0]?.id;
  });

  it("signs the passkey account in through the linked realm account", async () => {
    await pageOk(t.page, "logout");
    await throughProvider(t.page, '[data-sign-in-with="keycloak"]');
    const outcome = await pageOk(t.page, "completeOAuth");
    expect(outcome).toMatchObject({ kind: "signed_in", userId: lin.userId, created: false });
  });

  it("unlinks the realm account; the passkey still signs in", async () => {
    await pageOk(t.page, "unlinkAccount", lin.accountId as string);
    expect(await pageOk(t.page, "listAccounts")).toEqual([]);
    await pageOk(t.page, "logout");
    expect((await pageOk(t.page, "login")).userId).toBe(lin.userId);
  });

  it("accepts the realm's own access tokens, with the admin role from realm_access.roles", async () => {
    const scope = "orders:read";
    const admin = await idp.clientCredentialsToken({ ...OPS_BOT, scope, resource: API });
    const reporter = await idp.clientCredentialsToken({ ...REPORT_BOT, scope, resource: API });
    const allowed = await pageOk(t.page, "fetchDirect", "/api/ops", admin);
    expect(allowed.status).toBe(200);
    expect(allowed.body).toMatchObject({
      userId: "keycloak:ops-bot",
      via: "external",
      role: "admin",
      roles: ["admin", "ops"],
    });
    const refused = await pageOk(t.page, "fetchDirect", "/api/ops", reporter);
    expect(refused.status).toBe(403);
  });
});
