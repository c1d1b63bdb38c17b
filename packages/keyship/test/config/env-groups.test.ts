/** Dynamic variable groups (`KEYSHIP_TRUST_<NAME>_*`): grouping, merging, validation. */
import { describe, expect, it } from "vitest";
import { loadSettings } from "../../src/config/load.ts";
import type { SettingsInput } from "../../src/config/schema.ts";
import { problemsOf } from "../helpers/config-problems.ts";

const load = (env: Record<string, string>, options: SettingsInput = {}) =>
  loadSettings({ env, envFile: false, options });

describe("dynamic variable groups", () => {
  it("is empty when no variable of the group is set", () => {
    expect(load({}).settings.trust).toEqual({});
  });

  it("groups variables by lower-cased name, with the fields' defaults", () => {
    const { settings } = load({
      KEYSHIP_TRUST_MAIN_SSO_ISSUER: "https://sso.example.com/realms/main",
      KEYSHIP_TRUST_MAIN_SSO_AUDIENCE: "orders-api, billing-api",
      KEYSHIP_TRUST_MAIN_SSO_ROLES_CLAIM: "realm_access.roles",
      KEYSHIP_TRUST_OTHER_ISSUER: "https://other.example.com",
      KEYSHIP_TRUST_OTHER_AUDIENCE: "orders-api",
    });
    expect(settings.trust).toEqual({
      main_sso: {
        issuer: "https://sso.example.com/realms/main",
        audience: ["orders-api", "billing-api"],
        rolesClaim: "realm_access.roles",
        scopesClaim: "scope",
        jwksCooldownSeconds: 30,
        users: "none",
      },
      other: {
        issuer: "https://other.example.com",
        audience: ["orders-api"],
        scopesClaim: "scope",
        jwksCooldownSeconds: 30,
        users: "none",
      },
    });
  });

  it("merges options over variables, field by field", () => {
    const { settings } = load(
      {
        KEYSHIP_TRUST_SSO_ISSUER: "https://sso.example.com",
        KEYSHIP_TRUST_SSO_AUDIENCE: "from-env",
      },
      { trust: { sso: { audience: "from-option", scopesClaim: "scp" } } },
    );
    expect(settings.trust.sso).toMatchObject({
      issuer: "https://sso.example.com",
      audience: ["from-option"],
      scopesClaim: "scp",
    });
  });

  it("never reads a fixed setting as a group member", () => {
    const { settings } = load({ KEYSHIP_TRUST_PROXY: "true" });
    expect(settings.trustProxy).toBe(true);
    expect(settings.trust).toEqual({});
  });

  it("names a missing required variable with an example", () => {
    const problems = problemsOf(() =>
      load({ KEYSHIP_TRUST_SSO_ISSUER: "https://sso.example.com" }),
    );
    expect(problems).toEqual([
      expect.stringMatching(/^KEYSHIP_TRUST_SSO_AUDIENCE is not set.*KEYSHIP_TRUST_SSO_AUDIENCE=/),
    ]);
  });

  it.each([
    ["KEYSHIP_TRUST_SSO_ISSUER", "http://sso.example.com"],
    ["KEYSHIP_TRUST_SSO_ISSUER", "not a url"],
    ["KEYSHIP_TRUST_SSO_ALGORITHMS", "HS256"],
    ["KEYSHIP_TRUST_SSO_JWKS_COOLDOWN_SECONDS", "-1"],
  ])("names the invalid variable %s=%s with an example", (variable, value) => {
    const env = {
      KEYSHIP_TRUST_SSO_ISSUER: "https://sso.example.com",
      KEYSHIP_TRUST_SSO_AUDIENCE: "api",
      [variable]: value,
    };
    const problems = problemsOf(() => load(env));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      new RegExp(`^${variable} is not valid: .*\\(e\\.g\\. ${variable}=`),
    );
  });

  it("refuses a variable of the prefix that ends in no known suffix", () => {
    const problems = problemsOf(() => load({ KEYSHIP_TRUST_SSO_AUDIENSE: "api" }));
    expect(problems[0]).toMatch(/^KEYSHIP_TRUST_SSO_AUDIENSE is not a known variable/);
  });

  it.each([
    [
      { trust: { "My-IdP": { issuer: "https://a.example.com", audience: "x" } } },
      "option trust.My-IdP",
    ],
    [
      { trust: { sso: { issuer: "https://a.example.com", audience: "x", audiense: "y" } } },
      "audiense",
    ],
    [{ trust: { sso: { issuer: 42, audience: "x" } } }, "option trust.sso.issuer is not valid"],
  ])("refuses a bad option form %#", (options, expected) => {
    const problems = problemsOf(() => load({}, options as SettingsInput));
    expect(problems.join("\n")).toContain(expected);
  });
});
