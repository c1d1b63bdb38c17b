/**
 * Linked accounts: linking from a signed-in account (after a step-up), signing in through the
 * link, another user's provider account, automatic linking by verified email when allowed,
 * unlinking (never the last way to sign in, refused before any step-up), and the step-up of an
 * account that signs in through a provider only.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postJson } from "../helpers/app.ts";
import { SoftwareAuthenticator } from "../helpers/authenticator.ts";
import { dialects } from "../helpers/databases.ts";
import {
  exchangeOAuthCode,
  fragmentOf,
  oauthRoundTrip,
  providerAccount,
  signedInFlow,
} from "../helpers/oauth.ts";
import { type OAuth2Server, startOAuth2Server } from "../helpers/oauth2-server.ts";
import { registerAccount, TEST_ORIGIN } from "../helpers/passkeys.ts";
import { type RogueOidc, startRogueOidc } from "../helpers/rogue-oidc.ts";
import { useSuite } from "../helpers/suite.ts";

const ORIGIN = "http://localhost:8787";
const client = { clientId: "keyship-test", clientSecret: "test-secret" };
let github: OAuth2Server;
let discord: OAuth2Server;
let rogue: RogueOidc;

beforeAll(async () => {
  github = await startOAuth2Server("github", client);
  discord = await startOAuth2Server("discord", client);
  rogue = await startRogueOidc(client.clientId);
});
afterAll(async () => {
  await Promise.all([github.close(), discord.close(), rogue.close()]);
});

const oauth = {
  get github() {
    return { ...client, endpoints: github.endpoints };
  },
  get discord() {
    return { ...client, endpoints: discord.endpoints };
  },
  get rogue() {
    return { ...client, preset: "oidc" as const, issuer: rogue.issuer };
  },
};

async function codeOf(response: Response): Promise<string> {
  return ((await response.json()) as { code: string }).code;
}

async function accountsOf(app: Parameters<typeof postJson>[0], headers: Record<string, string>) {
  const response = await app.request("/auth/accounts", { headers });
  expect(response.status).toBe(200);
  return ((await response.json()) as { accounts: { id: string; provider: string }[] }).accounts;
}

describe.each(dialects)("linked accounts on $name", (dialect) => {
  const suite = useSuite(dialect, { oauth });
  const passkeyUser = () =>
    registerAccount(suite.app, new SoftwareAuthenticator({ origin: TEST_ORIGIN }));

  it("refuses to start a link without a step-up", async () => {
    const account = await passkeyUser();
    suite.clock.advance(301_000);
    const response = await postJson(suite.app, "/auth/oauth/github/link", {}, await account.auth());
    expect(response.status).toBe(401);
    expect(await codeOf(response)).toBe("auth.step_up_required");
  });

  it("links GitHub to a passkey account, which then signs in through it", async () => {
    const account = await passkeyUser();
    await account.stepUp();
    github.signInAs({ id: 1001 });
    const linked = await signedInFlow(
      suite.app,
      "/auth/oauth/github/link",
      await account.auth(),
      ORIGIN,
    );
    const location = new URL(linked.headers.get("location") as string);
    expect(location.pathname).toBe("/settings");
    expect(fragmentOf(linked).get("keyship_oauth_linked")).toBe("github");
    const accounts = await accountsOf(suite.app, await account.auth());
    expect(accounts).toMatchObject([{ provider: "github", label: "GitHub" }]);
    const rows = await suite.app.keyship.db
      .selectFrom("audit_events")
      .select("action")
      .where("actor_id", "=", account.userId)
      .where("action", "=", "oauth.linked")
      .execute();
    expect(rows).toHaveLength(1);

    const code = (await oauthRoundTrip(suite.app, "github", ORIGIN)).get("keyship_oauth") as string;
    const signIn = await exchangeOAuthCode(suite.app, code);
    expect(await signIn.json()).toMatchObject({ userId: account.userId, created: false });
  });

  it("refuses to link a provider account that belongs to another user", async () => {
    github.signInAs({ id: 2002 });
    await providerAccount(suite.app, "github", ORIGIN);
    const account = await passkeyUser();
    await account.stepUp();
    const linked = await signedInFlow(
      suite.app,
      "/auth/oauth/github/link",
      await account.auth(),
      ORIGIN,
    );
    expect(fragmentOf(linked).get("keyship_oauth_error")).toBe("oauth.already_linked");
    expect(await accountsOf(suite.app, await account.auth())).toEqual([]);
  });

  it("refuses to unlink the last way to sign in, before asking for a step-up", async () => {
    github.signInAs({ id: 3003 });
    const account = await providerAccount(suite.app, "github", ORIGIN);
    const [linked] = await accountsOf(suite.app, await account.auth());
    const response = await postJson(
      suite.app,
      `/auth/accounts/${linked?.id}/unlink`,
      {},
      await account.auth(),
    );
    expect(response.status).toBe(409);
    expect(await codeOf(response)).toBe("oauth.last_sign_in_method");
    expect(await accountsOf(suite.app, await account.auth())).toHaveLength(1);
  });

  it("steps a provider-only account up through its provider, then links and unlinks", async () => {
    github.signInAs({ id: 4004 });
    const account = await providerAccount(suite.app, "github", ORIGIN);
    const early = await postJson(suite.app, "/auth/oauth/discord/link", {}, await account.auth());
    expect(early.status).toBe(401);
    await account.stepUp();
    discord.signInAs({ id: "5005" });
    const linked = await signedInFlow(
      suite.app,
      "/auth/oauth/discord/link",
      await account.auth(),
      ORIGIN,
    );
    expect(fragmentOf(linked).get("keyship_oauth_linked")).toBe("discord");

    const accounts = await accountsOf(suite.app, await account.auth());
    const githubAccount = accounts.find((a) => a.provider === "github");
    suite.clock.advance(301_000);
    const path = `/auth/accounts/${githubAccount?.id}/unlink`;
    const stale = await postJson(suite.app, path, {}, await account.auth());
    expect(stale.status).toBe(401);
    expect(await codeOf(stale)).toBe("auth.step_up_required");
    await account.stepUp();
    const done = await postJson(suite.app, path, {}, await account.auth());
    expect(done.status).toBe(204);
    expect((await accountsOf(suite.app, await account.auth())).map((a) => a.provider)).toEqual([
      "discord",
    ]);
  });

  it("an OIDC step-up asks the provider to sign the person in again (max_age=0), and a sign-in does not", async () => {
    const person = { sub: `fresh-step-up-${dialect.name}`, email: null };
    rogue.tamper(person);
    const account = await providerAccount(suite.app, "rogue", ORIGIN);
    expect(rogue.lastMaxAge()).toBeNull();
    rogue.tamper(person);
    await account.stepUp();
    expect(rogue.lastMaxAge()).toBe("0");
    const linked = await postJson(suite.app, "/auth/oauth/github/link", {}, await account.auth());
    expect(linked.status).toBe(200);
  });

  it.each<[string, number | null]>([
    ["an older sign-in (a single sign-on session from 10 minutes ago)", -600],
    ["no auth_time", null],
  ])("refuses an OIDC step-up whose ID token shows %s", async (_name, authTime) => {
    const person = { sub: `stale-step-up-${authTime}-${dialect.name}`, email: null };
    rogue.tamper(person);
    const account = await providerAccount(suite.app, "rogue", ORIGIN);
    rogue.tamper({ ...person, authTime });
    const stepped = await signedInFlow(
      suite.app,
      "/auth/oauth/rogue/step-up",
      await account.auth(),
      ORIGIN,
    );
    expect(fragmentOf(stepped).get("keyship_oauth_error")).toBe("oauth.verification_failed");
    const linked = await postJson(suite.app, "/auth/oauth/github/link", {}, await account.auth());
    expect(linked.status).toBe(401);
    expect(await codeOf(linked)).toBe("auth.step_up_required");
  });

  it("refuses a provider step-up by another provider account", async () => {
    github.signInAs({ id: 6006 });
    const account = await providerAccount(suite.app, "github", ORIGIN);
    github.signInAs({ id: 6007 });
    const stepped = await signedInFlow(
      suite.app,
      "/auth/oauth/github/step-up",
      await account.auth(),
      ORIGIN,
    );
    expect(fragmentOf(stepped).get("keyship_oauth_error")).toBe("auth.invalid_credentials");
    const response = await postJson(
      suite.app,
      "/auth/oauth/discord/link",
      {},
      await account.auth(),
    );
    expect(response.status).toBe(401);
  });

  it("refuses a provider step-up to an account that has a passkey", async () => {
    const account = await passkeyUser();
    const response = await postJson(
      suite.app,
      "/auth/oauth/github/step-up",
      {},
      await account.auth(),
    );
    expect(response.status).toBe(401);
    expect(await codeOf(response)).toBe("auth.step_up_required");
  });

  it("answers 404 for unlinking an account that is not the caller's", async () => {
    github.signInAs({ id: 7007 });
    const owner = await providerAccount(suite.app, "github", ORIGIN);
    const [theirs] = await accountsOf(suite.app, await owner.auth());
    const other = await passkeyUser();
    const response = await postJson(
      suite.app,
      `/auth/accounts/${theirs?.id}/unlink`,
      {},
      await other.auth(),
    );
    expect(response.status).toBe(404);
  });

  it("binds a device key at the exchange and answers like a passkey sign-in", async () => {
    github.signInAs({ id: 8008 });
    const account = await providerAccount(suite.app, "github", ORIGIN);
    const me = await suite.app.request("/auth/me", { headers: await account.auth() });
    expect(me.status).toBe(200);
    expect(account.deviceId).toMatch(/^d/);
  });
});

describe.each(dialects)("automatic linking by verified email on $name", (dialect) => {
  const suite = useSuite(dialect, { oauth, oauthLinkVerifiedEmails: true });

  it("links a verified email to the existing account", async () => {
    const account = await registerAccount(
      suite.app,
      new SoftwareAuthenticator({ origin: TEST_ORIGIN }),
      { email: "ada@example.com" },
    );
    rogue.tamper({ sub: "ada", email: "Ada@example.com", emailVerified: true });
    const code = (await oauthRoundTrip(suite.app, "rogue", ORIGIN)).get("keyship_oauth") as string;
    const response = await exchangeOAuthCode(suite.app, code);
    expect(await response.json()).toMatchObject({ userId: account.userId, created: false });
  });

  it("still refuses an unverified email", async () => {
    await registerAccount(suite.app, new SoftwareAuthenticator({ origin: TEST_ORIGIN }), {
      email: "bob@example.com",
    });
    rogue.tamper({ sub: "bob", email: "bob@example.com", emailVerified: false });
    const code = (await oauthRoundTrip(suite.app, "rogue", ORIGIN)).get("keyship_oauth") as string;
    const response = await exchangeOAuthCode(suite.app, code);
    expect(response.status).toBe(409);
  });
});
