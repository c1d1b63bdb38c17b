/**
 * Provider configuration: presets from their options, every preset's endpoints overridable,
 * and the refusals at startup (reserved or malformed ids, missing client credentials, unknown
 * presets, plain-http providers off loopback).
 */
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { resolveProviders } from "../../src/oauth/providers.ts";
import { createLogger } from "../../src/observability/logger.ts";
import { problemsOf } from "../helpers/config-problems.ts";

const client = { clientId: "id", clientSecret: "secret" };

describe("OAuth provider configuration", () => {
  it("resolves each preset with its endpoints, scopes and label", () => {
    const specs = resolveProviders({
      oauth: {
        google: client,
        github: client,
        discord: client,
        microsoft: { ...client, tenant: "organizations" },
        keycloak: { ...client, realmUrl: "https://sso.example.com/realms/acme/" },
      },
      oidc: { okta: { ...client, issuer: "https://acme.okta.com", label: "Acme SSO" } },
    });
    const byId = Object.fromEntries(specs.map((s) => [s.id, s]));
    expect(byId.google).toMatchObject({ kind: "oidc", issuer: "https://accounts.google.com" });
    expect(byId.microsoft?.issuer).toBe("https://login.microsoftonline.com/organizations/v2.0");
    expect(byId.keycloak?.issuer).toBe("https://sso.example.com/realms/acme");
    expect(byId.github).toMatchObject({
      kind: "oauth2",
      label: "GitHub",
      scopes: ["read:user", "user:email"],
      endpoints: { user: "https://api.github.com/user" },
    });
    expect(byId.discord?.endpoints.token).toBe("https://discord.com/api/oauth2/token");
    expect(byId.okta).toMatchObject({ kind: "oidc", label: "Acme SSO", preset: "oidc" });
    expect(byId.okta?.scopes).toEqual(["openid", "email", "profile"]);
  });

  it("lets an option replace a preset's endpoints (GitHub Enterprise)", () => {
    const [spec] = resolveProviders({
      oauth: {
        ghe: {
          ...client,
          preset: "github",
          endpoints: { user: "https://ghe.example.com/api/v3/user" },
        },
      },
      oidc: {},
    });
    expect(spec?.endpoints.user).toBe("https://ghe.example.com/api/v3/user");
    expect(spec?.endpoints.token).toBe("https://github.com/login/oauth/access_token");
  });

  it("always asks an OIDC provider for openid", () => {
    const [spec] = resolveProviders({
      oauth: {},
      oidc: { acme: { ...client, issuer: "https://sso.acme.test", scopes: "email, groups" } },
    });
    expect(spec?.scopes).toEqual(["openid", "email", "groups"]);
  });

  it.each(["token", "introspect", "revoke", "providers", "exchange"])(
    "refuses the reserved id %s",
    (id) => {
      const problems = problemsOf(() =>
        resolveProviders({ oauth: {}, oidc: { [id]: { ...client, issuer: "https://x.test" } } }),
      );
      expect(problems.join("\n")).toContain(`'${id}' is a path of /auth/oauth/`);
    },
  );

  it("reports every problem at once", () => {
    const problems = problemsOf(() =>
      resolveProviders({
        oauth: { github: { clientId: "id" }, gitlab: client, keycloak: client },
        oidc: { plain: { ...client, issuer: "http://sso.example.com" } },
      }),
    );
    expect(problems).toHaveLength(4);
    expect(problems.join("\n")).toMatch(/client secret is missing/);
    expect(problems.join("\n")).toMatch(/unknown preset 'gitlab'/);
    expect(problems.join("\n")).toMatch(/realm URL is missing/);
    expect(problems.join("\n")).toMatch(/http:\/\/sso.example.com must be an https URL/);
  });

  it("accepts plain http on loopback only", () => {
    const [spec] = resolveProviders({
      oauth: {},
      oidc: { local: { ...client, issuer: "http://127.0.0.1:9999" } },
    });
    expect(spec?.issuer).toBe("http://127.0.0.1:9999");
  });
});

describe("OAuth providers from variables", () => {
  const base = {
    databaseUrl: "sqlite::memory:",
    envFile: false as const,
    logger: createLogger("silent"),
  };

  it("turns presets and OIDC groups on from their variables, the option winning", async () => {
    const app = createApp({
      ...base,
      processEnv: {
        KEYSHIP_OAUTH_GITHUB_CLIENT_ID: "from-env",
        KEYSHIP_OAUTH_GITHUB_CLIENT_SECRET: "secret",
        KEYSHIP_OAUTH_MICROSOFT_CLIENT_ID: "ms",
        KEYSHIP_OAUTH_MICROSOFT_CLIENT_SECRET: "secret",
        KEYSHIP_OAUTH_MICROSOFT_TENANT: "consumers",
        KEYSHIP_OIDC_ACME_SSO_ISSUER: "https://sso.acme.test",
        KEYSHIP_OIDC_ACME_SSO_CLIENT_ID: "app",
        KEYSHIP_OIDC_ACME_SSO_CLIENT_SECRET: "secret",
        KEYSHIP_OIDC_ACME_SSO_LABEL: "Acme",
        KEYSHIP_OAUTH_LINK_VERIFIED_EMAILS: "true",
      },
      oauth: { github: { label: "GitHub (work)" } },
    });
    const response = await app.request("/auth/oauth/providers");
    expect(await response.json()).toEqual({
      providers: [
        { id: "acme_sso", label: "Acme", kind: "oidc" },
        { id: "github", label: "GitHub (work)", kind: "oauth2" },
        { id: "microsoft", label: "Microsoft", kind: "oidc" },
      ],
    });
    expect(app.keyship.settings.oauthLinkVerifiedEmails).toBe(true);
    await app.keyship.close();
  });

  it("names the missing variable", () => {
    const problems = problemsOf(() =>
      createApp({ ...base, processEnv: { KEYSHIP_OAUTH_DISCORD_CLIENT_ID: "id" } }),
    );
    expect(problems.join("\n")).toContain("KEYSHIP_OAUTH_DISCORD_CLIENT_SECRET");
  });

  it("refuses a reserved id from the variables", () => {
    const problems = problemsOf(() =>
      createApp({
        ...base,
        processEnv: {
          KEYSHIP_OIDC_TOKEN_ISSUER: "https://sso.example.com",
          KEYSHIP_OIDC_TOKEN_CLIENT_ID: "id",
          KEYSHIP_OIDC_TOKEN_CLIENT_SECRET: "secret",
        },
      }),
    );
    expect(problems.join("\n")).toContain("'token' is a path of /auth/oauth/");
  });
});
