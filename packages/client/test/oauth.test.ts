/**
 * The SDK's provider methods against a real keyship server on loopback, with GitHub and Discord
 * played by loopback servers that speak their OAuth 2 and user APIs (keyship's test helpers).
 * The browser around the SDK is the address bar, a cookie jar and redirect-following
 * navigation (helpers/browser-page.ts); e2e/oauth.test.ts runs the same flows in Chromium.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { KeyshipApp } from "../../keyship/src/app.ts";
import { listen, type RunningServer } from "../../keyship/src/server.ts";
import { testApp } from "../../keyship/test/helpers/app.ts";
import { type OAuth2Server, startOAuth2Server } from "../../keyship/test/helpers/oauth2-server.ts";
import { TEST_ORIGIN } from "../../keyship/test/helpers/passkeys.ts";
import { createKeyshipClient, type KeyshipClient, memoryKeyStore } from "../src/index.ts";
import { installBrowser, type TestBrowser } from "./helpers/browser-page.ts";

const provider = { clientId: "keyship-sdk", clientSecret: "sdk-secret" };
let github: OAuth2Server;
let discord: OAuth2Server;
let app: KeyshipApp;
let server: RunningServer;

beforeAll(async () => {
  [github, discord] = await Promise.all([
    startOAuth2Server("github", provider),
    startOAuth2Server("discord", provider),
  ]);
  app = testApp("sqlite::memory:", {
    passwords: true,
    oauth: {
      github: { ...provider, endpoints: github.endpoints },
      discord: { ...provider, endpoints: discord.endpoints },
    },
  });
  server = await listen(app, { port: 0, hostname: "127.0.0.1", handleSignals: false });
});
afterAll(async () => {
  await server?.close();
  await Promise.all([github?.close(), discord?.close()]);
});

let browser: TestBrowser;
beforeEach(() => {
  // The page is on the app's origin (the callback origin), which the server answers.
  browser = installBrowser({
    appOrigin: TEST_ORIGIN,
    serverUrl: `http://127.0.0.1:${server.port}`,
  });
});
afterEach(() => browser.close());

const newClient = (options: { autoStepUp?: boolean } = {}): KeyshipClient =>
  createKeyshipClient({ baseUrl: TEST_ORIGIN, keyStore: memoryKeyStore(), ...options });

const verified = (email: string) => [{ email, primary: true, verified: true }];

/** Signs in (or up) with `id` through the provider: the button, the round trip, the return page. */
async function signInWith(client: KeyshipClient, id: string) {
  client.signInWith(id, { returnTo: "/welcome" });
  expect(await browser.followAssigned()).toBe(200);
  return client.completeOAuth();
}

/** Expects `promise` to reject with a KeyshipError of `code` and `status`. */
async function rejectsWith(promise: Promise<unknown>, code: string, status: number) {
  await expect(promise).rejects.toMatchObject({ name: "KeyshipError", code, status });
}

describe("provider sign-in with @keyship/client", () => {
  it("lists the configured providers for sign-in buttons", async () => {
    expect(await newClient().listProviders()).toEqual([
      { id: "discord", label: "Discord", kind: "oauth2" },
      { id: "github", label: "GitHub", kind: "oauth2" },
    ]);
  });

  it("signInWith() sends the browser to the start, returning to the current page by default", () => {
    browser.open("/pricing?plan=team");
    newClient().signInWith("github");
    expect(browser.assigned).toEqual([
      `${TEST_ORIGIN}/auth/oauth/github/start?returnTo=%2Fpricing%3Fplan%3Dteam`,
    ]);
    expect(browser.requests).toEqual([]);
  });

  it("completeOAuth() signs up, clears the fragment and binds this browser's device key", async () => {
    github.signInAs({ id: 501, name: "Ada", emails: verified("ada@example.com") });
    const client = newClient();
    client.signInWith("github", { returnTo: "/welcome" });
    await browser.followAssigned();
    expect(browser.url().hash).toMatch(/^#keyship_oauth=[\w-]+$/);

    const outcome = await client.completeOAuth();
    expect(outcome).toMatchObject({ kind: "signed_in", provider: "github", created: true });
    expect(browser.url().href).toBe(`${TEST_ORIGIN}/welcome`);
    const me = await client.me();
    expect(me).toMatchObject({ email: "ada@example.com", displayName: "Ada" });
    expect(outcome).toMatchObject({ userId: me.id, deviceId: me.deviceId });

    const again = newClient();
    expect(await signInWith(again, "github")).toMatchObject({ userId: me.id, created: false });
  });

  it("answers null on a page without a keyship fragment, and leaves the fragment alone", async () => {
    browser.open("/docs#install");
    expect(await newClient().completeOAuth()).toBeNull();
    expect(browser.url().hash).toBe("#install");
    expect(browser.requests).toEqual([]);
  });

  it("throws the fragment's error (the person said no), clears it and signs nobody in", async () => {
    github.signInAs("access_denied");
    const client = newClient();
    await rejectsWith(signInWith(client, "github"), "oauth.access_denied", 0);
    expect(browser.url().hash).toBe("");
    expect(await client.isSignedIn()).toBe(false);
  });

  it("uses a one-time code once: a reloaded return page is refused", async () => {
    github.signInAs({ id: 502 });
    const client = newClient();
    client.signInWith("github", { returnTo: "/welcome" });
    await browser.followAssigned();
    const returnPage = browser.url().href;
    await client.completeOAuth();
    browser.open(returnPage);
    await rejectsWith(newClient().completeOAuth(), "oauth.code_invalid", 400);
  });

  it("asks to link an email that has an account; linkAccount() links it from the account", async () => {
    const owner = newClient();
    const { userId } = await owner.registerWithPassword({
      email: "grace@example.com",
      password: "correct horse battery staple",
    });
    github.signInAs({ id: 503, emails: verified("grace@example.com") });
    await rejectsWith(signInWith(newClient(), "github"), "oauth.account_link_required", 409);

    await owner.stepUp({ password: "correct horse battery staple" });
    await owner.linkAccount("github", { returnTo: "/settings" });
    expect(browser.requests.at(-1)).toBe("POST /auth/oauth/github/link");
    // The link's flow cookie came with the POST; the callback needs it back.
    expect(await browser.followAssigned()).toBe(200);
    expect(await owner.completeOAuth()).toEqual({ kind: "linked", provider: "github" });
    expect(browser.url().pathname).toBe("/settings");
    const accounts = await owner.listAccounts();
    expect(accounts).toMatchObject([
      { provider: "github", label: "GitHub", email: "grace@example.com", emailVerified: true },
    ]);
    expect(await signInWith(newClient(), "github")).toMatchObject({ userId, created: false });

    await owner.unlinkAccount(accounts[0]?.id as string);
    expect(await owner.listAccounts()).toEqual([]);
  });

  it("a provider-only account: its last way in stays; stepUpWith() steps up at the provider", async () => {
    discord.signInAs({ id: "9001", emails: verified("lin@example.com") });
    // No passkey to step up with: the step-up goes through the provider.
    const client = newClient({ autoStepUp: false });
    await signInWith(client, "discord");
    const [only] = await client.listAccounts();
    await rejectsWith(client.unlinkAccount(only?.id as string), "oauth.last_sign_in_method", 409);
    await rejectsWith(client.linkAccount("github"), "auth.step_up_required", 401);

    await client.stepUpWith("discord", { returnTo: "/settings" });
    expect(await browser.followAssigned()).toBe(200);
    expect(await client.completeOAuth()).toEqual({ kind: "stepped_up", provider: "discord" });

    github.signInAs({ id: 504 });
    await client.linkAccount("github");
    await browser.followAssigned();
    expect(await client.completeOAuth()).toEqual({ kind: "linked", provider: "github" });
    await client.unlinkAccount(only?.id as string);
    expect((await client.listAccounts()).map((a) => a.provider)).toEqual(["github"]);
  });
});
