/**
 * Resource-server mode's keyship users (`trust.<name>.users`), on each dialect, against a real
 * OpenID provider (`oidc-provider`, Keycloak-shaped) that is also the `keycloak` sign-in
 * provider. Its client-credentials tokens carry `sub` = the client id, and its dev sign-in
 * page signs in any login name as that `sub`, so signing in as `ops-bot` links the subject
 * that `ops-bot`'s tokens name.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireUser } from "../../src/guards/guards.ts";
import { postJson, testApp } from "../helpers/app.ts";
import { SoftwareAuthenticator } from "../helpers/authenticator.ts";
import { problemsOf } from "../helpers/config-problems.ts";
import { dialects } from "../helpers/databases.ts";
import { fragmentOf, interactAs, signedInFlow, signInAtOidcProvider } from "../helpers/oauth.ts";
import { startOidcProvider } from "../helpers/oidc-provider.ts";
import { registerAccount, TEST_ORIGIN } from "../helpers/passkeys.ts";
import { bearer } from "../helpers/sessions.ts";
import { type Suite, useSuite } from "../helpers/suite.ts";

const API = "https://orders.test";
const CALLBACK = "http://localhost:8787/auth/oauth/keycloak/callback";
const WEB = { clientId: "web", clientSecret: "web-secret" };
const OPS = { clientId: "ops-bot", clientSecret: "ops-secret" };
const REPORTS = { clientId: "report-bot", clientSecret: "reports-secret" };
const AUDITS = { clientId: "audit-bot", clientSecret: "audits-secret" };

const idp = await startOidcProvider({
  issuerPath: "/realms/main",
  clients: [
    { ...WEB, redirectUris: [CALLBACK] },
    { ...OPS, tokenClaims: { realm_access: { roles: ["admin"] } } },
    { ...REPORTS, tokenClaims: { realm_access: { roles: ["reporting"] } } },
    AUDITS,
  ],
  // Sign-in reads the email from the ID token (its access tokens are for the API, not UserInfo).
  accounts: {
    "ops-bot": { claims: { email: "ops@acme.test", email_verified: true } },
    "report-bot": { claims: { email: "reports@acme.test", email_verified: true } },
    "audit-bot": { claims: { email: "audits@acme.test", email_verified: true } },
  },
  resources: { [API]: { audience: "orders-api", scope: "orders:read" } },
  configuration: { conformIdTokenClaims: false },
});
afterAll(() => idp.close());

const token = (client: typeof OPS) =>
  idp.clientCredentialsToken({ ...client, scope: "orders:read", resource: API });

function settings(users: "link" | "create") {
  return {
    // The provider's ID tokens are stamped with the real time: so is this app.
    now: () => new Date(),
    oauth: {
      get keycloak() {
        return { realmUrl: idp.issuer, ...WEB };
      },
    },
    trust: {
      get kc() {
        return {
          issuer: idp.issuer,
          audience: "orders-api",
          rolesClaim: "realm_access.roles",
          users,
        };
      },
    },
  };
}

/** Signs in through the realm as `login`; returns the keyship user id. */
async function signInAs(suite: Suite, login: string): Promise<string> {
  const response = await signInAtOidcProvider(suite.app, "keycloak", login);
  expect(response.status).toBe(200);
  return ((await response.json()) as { userId: string }).userId;
}

function useUsersSuite(dialect: (typeof dialects)[number], users: "link" | "create") {
  const suite = useSuite(dialect, settings(users));
  beforeAll(() => {
    suite.app.get("/whoami", requireUser(), (c) => c.json(c.var.principal));
  });
  const whoami = async (jwt: string) => {
    const response = await suite.app.request("/whoami", { headers: bearer(jwt) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const count = async (table: "users" | "oauth_accounts") =>
    Number(
      (
        await suite.app.keyship.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return { suite, whoami, count };
}

describe.each(dialects)("trust users: link on $name", (dialect) => {
  const { suite, whoami, count } = useUsersSuite(dialect, "link");

  it("a subject linked through sign-in acts as that keyship user", async () => {
    const userId = await signInAs(suite, "ops-bot");
    const { status, body } = await whoami(await token(OPS));
    expect(status).toBe(200);
    expect(body).toMatchObject({ userId, via: "external", provider: "kc", role: "admin" });
  });

  it("an unlinked subject stays <name>:<sub>, and nothing is written", async () => {
    const before = [await count("users"), await count("oauth_accounts")];
    const { body } = await whoami(await token(REPORTS));
    expect(body).toMatchObject({ userId: "kc:report-bot", role: "user" });
    expect([await count("users"), await count("oauth_accounts")]).toEqual(before);
  });

  it("ends the mapping when the account is unlinked, cached tokens included", async () => {
    const owner = await registerAccount(
      suite.app,
      new SoftwareAuthenticator({ origin: TEST_ORIGIN }),
    );
    await owner.stepUp();
    const linkPath = "/auth/oauth/keycloak/link" as const;
    const linked = await signedInFlow(
      suite.app,
      linkPath,
      await owner.auth(),
      TEST_ORIGIN,
      interactAs("audit-bot"),
    );
    expect(fragmentOf(linked).get("keyship_oauth_linked")).toBe("keycloak");
    const jwt = await token(AUDITS);
    expect((await whoami(jwt)).body.userId).toBe(owner.userId);

    const accounts = await suite.app.request("/auth/accounts", { headers: await owner.auth() });
    const [account] = ((await accounts.json()) as { accounts: { id: string }[] }).accounts;
    const unlink = await postJson(
      suite.app,
      `/auth/accounts/${account?.id}/unlink`,
      {},
      await owner.auth(),
    );
    expect(unlink.status).toBe(204);
    expect((await whoami(jwt)).body.userId).toBe("kc:audit-bot");
  });

  it("refuses the tokens of a disabled linked user", async () => {
    const userId = await signInAs(suite, "ops-bot");
    await suite.app.keyship.db
      .updateTable("users")
      .set({ disabled_at: new Date().toISOString() })
      .where("id", "=", userId)
      .execute();
    const { status, body } = await whoami(await token(OPS));
    expect({ status, code: body.code }).toEqual({ status: 401, code: "token.invalid" });
  });
});

describe.each(dialects)("trust users: create on $name", (dialect) => {
  const { suite, whoami, count } = useUsersSuite(dialect, "create");

  it("creates one user for a new subject, linked at the sign-in provider", async () => {
    const users = await count("users");
    const first = await whoami(await token(REPORTS));
    const second = await whoami(await token(REPORTS));
    const userId = first.body.userId as string;
    expect(userId).not.toMatch(/^kc:/);
    expect(second.body.userId).toBe(userId);
    expect(await count("users")).toBe(users + 1);
    const db = suite.app.keyship.db;
    const user = await db
      .selectFrom("users")
      .select(["email", "role"])
      .where("id", "=", userId)
      .executeTakeFirstOrThrow();
    expect(user).toEqual({ email: null, role: "user" });
    const link = await db
      .selectFrom("oauth_accounts")
      .select(["provider", "subject"])
      .where("user_id", "=", userId)
      .executeTakeFirstOrThrow();
    expect(link).toEqual({ provider: "keycloak", subject: "report-bot" });
    const audit = await db
      .selectFrom("audit_events")
      .select("action")
      .where("target_id", "=", userId)
      .orderBy("action")
      .execute();
    expect(audit.map((a) => a.action)).toEqual(["oauth.linked", "user.signed_up"]);

    // The person signing in through the provider later is the same account.
    expect(await signInAs(suite, "report-bot")).toBe(userId);
  });
});

it("refuses link or create without a sign-in provider of that issuer, at startup", () => {
  const problems = problemsOf(() =>
    testApp("sqlite::memory:", {
      trust: { kc: { issuer: idp.issuer, audience: "orders-api", users: "link" } },
    }),
  );
  expect(problems).toEqual([
    expect.stringMatching(
      /^KEYSHIP_TRUST_KC_USERS=link links subjects at the OAuth sign-in provider of the issuer/,
    ),
  ]);
});
