/**
 * Every refusal of the OAuth sign-in flow, each a clear problem (or error fragment) with no
 * user created: the state (missing, mismatched, replayed, without its cookie), the PKCE
 * verifier, the ID token (nonce, issuer, expiry, audience, signature), the provider's refusal,
 * the return address, the one-time code (twice, after 60 s) and an email that meets an account.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postJson } from "../helpers/app.ts";
import { SoftwareAuthenticator } from "../helpers/authenticator.ts";
import { dialects } from "../helpers/databases.ts";
import {
  callOAuthCallback,
  exchangeOAuthCode,
  followToCallback,
  fragmentOf,
  oauthRoundTrip,
  signUpThrough,
  startOAuth,
} from "../helpers/oauth.ts";
import { type OAuth2Server, startOAuth2Server } from "../helpers/oauth2-server.ts";
import { registerAccount, TEST_ORIGIN } from "../helpers/passkeys.ts";
import { type IdTokenTamper, type RogueOidc, startRogueOidc } from "../helpers/rogue-oidc.ts";
import { useSuite } from "../helpers/suite.ts";

const ORIGIN = "http://localhost:8787";
const client = { clientId: "keyship-test", clientSecret: "test-secret" };
let github: OAuth2Server;
let rogue: RogueOidc;

beforeAll(async () => {
  github = await startOAuth2Server("github", client);
  rogue = await startRogueOidc(client.clientId);
});
afterAll(async () => {
  await github.close();
  await rogue.close();
});

const oauth = {
  get github() {
    return { ...client, endpoints: github.endpoints };
  },
  get rogue() {
    return { ...client, preset: "oidc" as const, issuer: rogue.issuer };
  },
};

describe.each(dialects)("OAuth refusals on $name", (dialect) => {
  const suite = useSuite(dialect, { oauth });
  const callbackPrefix = (provider: string) => `${ORIGIN}/auth/oauth/${provider}/callback`;

  /** Starts a GitHub sign-in and follows it to keyship's callback URL (not yet called). */
  async function toCallback(provider = "github") {
    const started = await startOAuth(suite.app, provider);
    const callback = await followToCallback(started.location, callbackPrefix(provider));
    return { ...started, callback };
  }

  async function failures(): Promise<string[]> {
    const rows = await suite.app.keyship.db
      .selectFrom("audit_events")
      .select("data")
      .where("action", "=", "oauth.failed")
      .execute();
    return rows.map((r) => (JSON.parse(r.data) as { reason: string }).reason);
  }

  async function expectStateInvalid(response: Response) {
    expect(response.status).toBe(400);
    expect(response.headers.get("location")).toBeNull();
    expect(response.headers.get("content-type")).toContain("application/problem+json");
    expect(((await response.json()) as { code: string }).code).toBe("oauth.state_invalid");
  }

  it("answers 400 oauth.state_invalid for a callback without the flow cookie", async () => {
    github.signInAs({ id: 1 });
    const { callback } = await toCallback();
    const before = await suite.count("users");
    await expectStateInvalid(await callOAuthCallback(suite.app, callback, ""));
    expect(await suite.count("users")).toEqual(before);
    expect(await failures()).toContain("oauth.state_invalid");
  });

  it("answers 400 for a callback without state", async () => {
    const { callback, cookie } = await toCallback();
    callback.searchParams.delete("state");
    await expectStateInvalid(await callOAuthCallback(suite.app, callback, cookie));
  });

  it("answers 400 for a state that is not the cookie's", async () => {
    const { callback, cookie } = await toCallback();
    callback.searchParams.set("state", "A".repeat(43));
    await expectStateInvalid(await callOAuthCallback(suite.app, callback, cookie));
  });

  it("answers 400 for another browser's cookie (a forged signature)", async () => {
    const { callback, cookie } = await toCallback();
    const forged = cookie.replace(/\.[A-Za-z0-9_-]+$/, ".AAAA");
    await expectStateInvalid(await callOAuthCallback(suite.app, callback, forged));
  });

  it("answers 400 for a replayed callback", async () => {
    const { callback, cookie } = await toCallback();
    expect((await callOAuthCallback(suite.app, callback, cookie)).status).toBe(302);
    await expectStateInvalid(await callOAuthCallback(suite.app, callback, cookie));
  });

  it("answers 400 for a flow past KEYSHIP_OAUTH_FLOW_TTL", async () => {
    const { callback, cookie } = await toCallback();
    suite.clock.advance(601_000);
    await expectStateInvalid(await callOAuthCallback(suite.app, callback, cookie));
  });

  it("refuses a wrong PKCE verifier at the token endpoint: error fragment, no user", async () => {
    github.signInAs({ id: 5 });
    const { callback, cookie } = await toCallback();
    await suite.app.keyship.db
      .updateTable("oauth_flows")
      .set({ code_verifier: "x".repeat(64) })
      .where("id", "=", callback.searchParams.get("state") as string)
      .execute();
    const before = await suite.count("users", "oauth_accounts");
    const fragment = fragmentOf(await callOAuthCallback(suite.app, callback, cookie));
    expect(fragment.get("keyship_oauth_error")).toBe("oauth.verification_failed");
    expect(fragment.get("keyship_oauth")).toBeNull();
    expect(await suite.count("users", "oauth_accounts")).toEqual(before);
  });

  it("redirects error=access_denied to the app's error fragment", async () => {
    github.signInAs("access_denied");
    const { callback, cookie } = await toCallback();
    const fragment = fragmentOf(await callOAuthCallback(suite.app, callback, cookie));
    expect(fragment.get("keyship_oauth_error")).toBe("oauth.access_denied");
    expect(await failures()).toContain("oauth.access_denied");
  });

  it("signs up through the rogue provider when its ID token is right", async () => {
    const fragment = await oauthRoundTrip(suite.app, "rogue", ORIGIN);
    const response = await exchangeOAuthCode(suite.app, fragment.get("keyship_oauth") as string);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ provider: "rogue", created: true });
  });

  it.each<[string, IdTokenTamper]>([
    ["a nonce mismatch", { nonce: "not-the-nonce" }],
    ["a wrong issuer", { iss: "https://evil.example" }],
    ["an expired ID token", { expiresIn: -120 }],
    ["another audience", { aud: "someone-else" }],
    ["a signature by a key the issuer does not publish", { foreignKey: true }],
  ])("refuses %s: error fragment, no user", async (_name, tamper) => {
    rogue.tamper(tamper);
    const before = await suite.count("users", "oauth_accounts");
    const fragment = await oauthRoundTrip(suite.app, "rogue", ORIGIN);
    expect(fragment.get("keyship_oauth_error")).toBe("oauth.verification_failed");
    expect(await suite.count("users", "oauth_accounts")).toEqual(before);
  });

  it.each([401, 403])(
    "signs in without an email when UserInfo refuses the access token (%i)",
    async (status) => {
      rogue.tamper({ sub: `api-token-${status}`, email: null, userinfo: { status } });
      const { userId } = await signUpThrough(suite.app, "rogue", ORIGIN);
      const account = await suite.app.keyship.db
        .selectFrom("oauth_accounts")
        .select(["subject", "email"])
        .where("user_id", "=", userId)
        .executeTakeFirstOrThrow();
      expect(account).toEqual({ subject: `api-token-${status}`, email: null });
    },
  );

  it("completes the email from UserInfo when the ID token has none", async () => {
    const sub = "userinfo-email";
    const claims = { sub, email: "from-userinfo@example.com", email_verified: true };
    rogue.tamper({ sub, email: null, userinfo: { claims } });
    const { email } = await signUpThrough(suite.app, "rogue", ORIGIN);
    expect(email).toBe("from-userinfo@example.com");
  });

  it.each<[string, IdTokenTamper["userinfo"], string]>([
    [
      "answers for another subject",
      { claims: { sub: "someone-else", email: "x@example.com" } },
      "oauth.verification_failed",
    ],
    ["fails (500)", { status: 500 }, "oauth.provider_error"],
  ])(
    "refuses the sign-in when UserInfo %s: error fragment, no user",
    async (_name, userinfo, code) => {
      rogue.tamper({ sub: "userinfo-bad", email: null, ...(userinfo ? { userinfo } : {}) });
      const before = await suite.count("users", "oauth_accounts");
      const fragment = await oauthRoundTrip(suite.app, "rogue", ORIGIN);
      expect(fragment.get("keyship_oauth_error")).toBe(code);
      expect(await suite.count("users", "oauth_accounts")).toEqual(before);
    },
  );

  it.each([
    "https://evil.example/after",
    "//evil.example/after",
    "/\\evil.example",
    "javascript:alert(1)",
    "http://localhost:8788/after",
  ])("refuses returnTo %s at the start", async (returnTo) => {
    const response = await suite.app.request(
      `/auth/oauth/github/start?returnTo=${encodeURIComponent(returnTo)}`,
    );
    expect(response.status).toBe(400);
    expect(((await response.json()) as { code: string }).code).toBe("oauth.return_to_invalid");
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it("answers 404 oauth.provider_unknown for a provider that is not configured", async () => {
    const response = await suite.app.request("/auth/oauth/gitlab/start");
    expect(response.status).toBe(404);
    expect(((await response.json()) as { code: string }).code).toBe("oauth.provider_unknown");
  });

  it("refuses a one-time code used twice", async () => {
    github.signInAs({ id: 8 });
    const code = (await oauthRoundTrip(suite.app, "github", ORIGIN)).get("keyship_oauth") as string;
    expect((await exchangeOAuthCode(suite.app, code)).status).toBe(200);
    const again = await exchangeOAuthCode(suite.app, code);
    expect(again.status).toBe(400);
    expect(((await again.json()) as { code: string }).code).toBe("oauth.code_invalid");
  });

  it("refuses a one-time code after 60 s, creating no user", async () => {
    github.signInAs({ id: 9 });
    const code = (await oauthRoundTrip(suite.app, "github", ORIGIN)).get("keyship_oauth") as string;
    suite.clock.advance(61_000);
    const before = await suite.count("users");
    const response = await exchangeOAuthCode(suite.app, code);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { code: string }).code).toBe("oauth.code_invalid");
    expect(await suite.count("users")).toEqual(before);
  });

  it.each([
    ["an unverified email", false],
    ["a verified email while automatic linking is off", true],
  ])("answers 409 oauth.account_link_required for %s meeting an account", async (_n, verified) => {
    const email = `taken-${verified}@example.com`;
    await registerAccount(suite.app, new SoftwareAuthenticator({ origin: TEST_ORIGIN }), { email });
    rogue.tamper({ sub: `someone-${verified}`, email, emailVerified: verified });
    const code = (await oauthRoundTrip(suite.app, "rogue", ORIGIN)).get("keyship_oauth") as string;
    const before = await suite.count("users", "oauth_accounts", "devices", "sessions");
    const response = await exchangeOAuthCode(suite.app, code);
    expect(response.status).toBe(409);
    expect(((await response.json()) as { code: string }).code).toBe("oauth.account_link_required");
    expect(await suite.count("users", "oauth_accounts", "devices", "sessions")).toEqual(before);
    expect(await failures()).toContain("oauth.account_link_required");
  });

  it("refuses an exchange that binds nothing", async () => {
    const response = await postJson(suite.app, "/auth/oauth/exchange", { code: "abc" });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { code: string }).code).toBe("validation.failed");
  });
});
