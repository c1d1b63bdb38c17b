/**
 * The GitHub and Discord presets against loopback servers speaking their OAuth 2 and user
 * APIs: sign-up, sign-in again, the verified-email rules of each, PKCE and client
 * authentication as the token endpoint sees them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dialects } from "../helpers/databases.ts";
import { exchangeOAuthCode, oauthRoundTrip, signUpThrough } from "../helpers/oauth.ts";
import { type OAuth2Server, startOAuth2Server } from "../helpers/oauth2-server.ts";
import { useSuite } from "../helpers/suite.ts";

const ORIGIN = "http://localhost:8787";
const client = { clientId: "keyship-test", clientSecret: "test-secret" };
const servers: Partial<Record<"github" | "discord", OAuth2Server>> = {};

beforeAll(async () => {
  servers.github = await startOAuth2Server("github", client);
  servers.discord = await startOAuth2Server("discord", client);
});
afterAll(async () => {
  await servers.github?.close();
  await servers.discord?.close();
});

/** The `oauth` option for both presets, pointed at the loopback servers (lazily: beforeAll). */
const oauth = {
  get github() {
    return { ...client, endpoints: servers.github?.endpoints };
  },
  get discord() {
    return { ...client, endpoints: servers.discord?.endpoints };
  },
};

describe.each(dialects)("OAuth 2 presets on $name", (dialect) => {
  const suite = useSuite(dialect, { oauth });

  it("lists both providers for sign-in buttons", async () => {
    const response = await suite.app.request("/auth/oauth/providers");
    expect(await response.json()).toEqual({
      providers: [
        { id: "discord", label: "Discord", kind: "oauth2" },
        { id: "github", label: "GitHub", kind: "oauth2" },
      ],
    });
  });

  it("signs up with GitHub's primary verified email, then signs in to the same account", async () => {
    servers.github?.signInAs({
      id: 4242,
      name: "Octo Cat",
      emails: [
        { email: "other@example.com", primary: false, verified: true },
        { email: "Octo@Example.com", primary: true, verified: true },
      ],
    });
    const first = await oauthRoundTrip(suite.app, "github", ORIGIN);
    const signUp = await exchangeOAuthCode(suite.app, first.get("keyship_oauth") as string);
    expect(signUp.status).toBe(200);
    const body = (await signUp.json()) as { userId: string; created: boolean; accessToken: string };
    expect(body).toMatchObject({ provider: "github", created: true, tokenType: "Bearer" });
    const user = await suite.app.keyship.db
      .selectFrom("users")
      .selectAll()
      .where("id", "=", body.userId)
      .executeTakeFirstOrThrow();
    expect(user.email).toBe("octo@example.com");
    expect(user.email_verified_at).not.toBeNull();
    expect(user.display_name).toBe("Octo Cat");

    const again = await oauthRoundTrip(suite.app, "github", ORIGIN);
    const signIn = await exchangeOAuthCode(suite.app, again.get("keyship_oauth") as string);
    expect(await signIn.json()).toMatchObject({ userId: body.userId, created: false });
  });

  it("sends the PKCE verifier and the client secret to the token endpoint", async () => {
    servers.github?.signInAs({ id: 7 });
    const before = servers.github?.tokenRequests.length ?? 0;
    await oauthRoundTrip(suite.app, "github", ORIGIN);
    const request = servers.github?.tokenRequests[before];
    expect(request?.get("grant_type")).toBe("authorization_code");
    expect(request?.get("code_verifier")).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
    expect(request?.get("client_secret")).toBe(client.clientSecret);
  });

  it("keeps a GitHub email off the account when the primary one is not verified", async () => {
    servers.github?.signInAs({
      id: 99,
      emails: [{ email: "unverified@example.com", primary: true, verified: false }],
    });
    const fragment = await oauthRoundTrip(suite.app, "github", ORIGIN);
    const response = await exchangeOAuthCode(suite.app, fragment.get("keyship_oauth") as string);
    const { userId } = (await response.json()) as { userId: string };
    const user = await suite.app.keyship.db
      .selectFrom("users")
      .select(["email", "email_verified_at"])
      .where("id", "=", userId)
      .executeTakeFirstOrThrow();
    expect(user).toEqual({ email: null, email_verified_at: null });
  });

  it("signs up with Discord's verified email", async () => {
    servers.discord?.signInAs({
      id: "80351110224678912",
      name: "Nelly",
      emails: [{ email: "nelly@example.com", primary: true, verified: true }],
    });
    const fragment = await oauthRoundTrip(suite.app, "discord", ORIGIN);
    const response = await exchangeOAuthCode(suite.app, fragment.get("keyship_oauth") as string);
    expect(response.status).toBe(200);
    const { userId } = (await response.json()) as { userId: string };
    const account = await suite.app.keyship.db
      .selectFrom("oauth_accounts")
      .selectAll()
      .where("user_id", "=", userId)
      .executeTakeFirstOrThrow();
    expect(account).toMatchObject({
      provider: "discord",
      subject: "80351110224678912",
      email: "nelly@example.com",
      email_verified: 1,
    });
  });

  it("treats a Discord email without `verified` as unverified", async () => {
    servers.discord?.signInAs({
      id: "1",
      emails: [{ email: "maybe@example.com", primary: true, verified: false }],
    });
    const { email } = await signUpThrough(suite.app, "discord", ORIGIN);
    expect(email).toBeNull();
  });
});
