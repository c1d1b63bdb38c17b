import { describe, expect, it } from "vitest";
import { loadSettings } from "../../src/config/load.ts";
import { KeyshipConfigError } from "../../src/errors.ts";

const load = (env: Record<string, string>) => loadSettings({ env, envFile: false });
const production = {
  KEYSHIP_ENV: "production",
  KEYSHIP_RP_ID: "example.com",
  KEYSHIP_ORIGIN: "https://example.com",
  KEYSHIP_DATABASE_URL: "postgres://db/keyship",
};

describe("session settings", () => {
  it("defaults: 15 min access, 30 days refresh, iss = first origin, aud keyship:access", () => {
    const { settings } = load({ KEYSHIP_ORIGIN: "https://a.example.test,https://b.example.test" });
    expect(settings).toMatchObject({
      accessTokenTtl: 900,
      refreshTokenTtl: 30 * 86_400,
      sessionIssuer: "https://a.example.test",
      sessionAudience: "keyship:access",
      sessionCookieName: "keyship",
    });
  });

  it("parses durations", () => {
    const { settings } = load({ KEYSHIP_ACCESS_TOKEN_TTL: "5m", KEYSHIP_REFRESH_TOKEN_TTL: "7d" });
    expect([settings.accessTokenTtl, settings.refreshTokenTtl]).toEqual([300, 7 * 86_400]);
  });

  it("refuses production without a session key, saying how to make one", () => {
    expect(() => load(production)).toThrow(/KEYSHIP_SESSION_SECRET is not set.*keygen/);
  });

  it("refuses a short secret, saying how to make one", () => {
    let error: unknown;
    try {
      load({ ...production, KEYSHIP_SESSION_SECRET: "short" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KeyshipConfigError);
    expect((error as KeyshipConfigError).problems[0]).toMatch(
      /^KEYSHIP_SESSION_SECRET is not valid: .*keyship keygen --type secret/,
    );
  });

  it("starts in production with private keys instead of a secret", () => {
    const jwk = { kty: "EC", crv: "P-256", x: "x", y: "y", d: "d", kid: "k1" };
    const { settings } = load({
      ...production,
      KEYSHIP_SESSION_PRIVATE_KEYS: JSON.stringify([jwk]),
    });
    expect(settings.sessionPrivateKeys).toEqual([jwk]);
    expect(settings.sessionSecret).toBeUndefined();
  });
});
