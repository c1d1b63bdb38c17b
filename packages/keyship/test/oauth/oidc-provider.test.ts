/**
 * The Keycloak preset against a real OpenID provider (`oidc-provider` on loopback) with a
 * Keycloak-shaped issuer (`/realms/acme`): discovery at the realm URL, the authorization code
 * flow with PKCE through its sign-in and consent pages, the ID token checked with the
 * provider's published keys, the email completed from UserInfo.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dialects } from "../helpers/databases.ts";
import { signInAtOidcProvider } from "../helpers/oauth.ts";
import { startOidcProvider, type TestOidcProvider } from "../helpers/oidc-provider.ts";
import { useSuite } from "../helpers/suite.ts";

const ORIGIN = "http://localhost:8787";
const CALLBACK = `${ORIGIN}/auth/oauth/keycloak/callback`;
let idp: TestOidcProvider;

beforeAll(async () => {
  idp = await startOidcProvider({
    issuerPath: "/realms/acme",
    clients: [{ clientId: "keyship", clientSecret: "realm-secret", redirectUris: [CALLBACK] }],
    accounts: {
      ada: { claims: { email: "ada@example.com", email_verified: true, name: "Ada Lovelace" } },
    },
  });
});
afterAll(() => idp.close());

describe.each(dialects)("Keycloak-shaped realm on $name", (dialect) => {
  const suite = useSuite(dialect, {
    oauth: {
      get keycloak() {
        return { realmUrl: idp.issuer, clientId: "keyship", clientSecret: "realm-secret" };
      },
    },
  });

  const signIn = (login: string) =>
    signInAtOidcProvider(suite.app, "keycloak", login, (started) => {
      expect(new URL(started.location).pathname).toBe("/realms/acme/auth");
    });

  it("signs up with the realm's verified email, then signs in to the same account", async () => {
    const first = await signIn("ada");
    expect(first.status).toBe(200);
    const body = (await first.json()) as { userId: string; created: boolean };
    expect(body.created).toBe(true);
    const user = await suite.app.keyship.db
      .selectFrom("users")
      .select(["email", "display_name", "email_verified_at"])
      .where("id", "=", body.userId)
      .executeTakeFirstOrThrow();
    expect(user.email).toBe("ada@example.com");
    expect(user.display_name).toBe("Ada Lovelace");
    expect(user.email_verified_at).not.toBeNull();
    const again = await signIn("ada");
    expect(await again.json()).toMatchObject({ userId: body.userId, created: false });
  });

  it("signs in a realm account that has no email as a new account without one", async () => {
    const response = await signIn("no-email");
    const { userId } = (await response.json()) as { userId: string };
    const account = await suite.app.keyship.db
      .selectFrom("oauth_accounts")
      .select(["provider", "subject", "email"])
      .where("user_id", "=", userId)
      .executeTakeFirstOrThrow();
    expect(account).toEqual({ provider: "keycloak", subject: "no-email", email: null });
  });
});
