import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSettings } from "../../src/config/load.ts";
import { KeyshipConfigError } from "../../src/errors.ts";

const load = (env: Record<string, string>, options = {}) =>
  loadSettings({ env, envFile: false, options });

describe("settings", () => {
  it("applies the documented defaults", () => {
    const { settings } = load({});
    expect(settings).toMatchObject({
      env: "development",
      databaseUrl: "sqlite:./keyship.db",
      webauthnTtlSeconds: 300,
      userVerification: "preferred",
      attestation: "none",
      port: 8787,
      autoMigrate: true,
      bodyLimitBytes: 1024 * 1024,
    });
  });

  it("falls back to localhost in development with one warning each", () => {
    const { settings, warnings } = load({ KEYSHIP_PORT: "9000" });
    expect(settings.rpId).toBe("localhost");
    expect(settings.origins).toEqual(["http://localhost:9000"]);
    expect(warnings).toHaveLength(3);
    expect(warnings.filter((w) => w.includes("KEYSHIP_RP_ID"))).toHaveLength(1);
    expect(warnings.filter((w) => w.includes("KEYSHIP_ORIGIN"))).toHaveLength(1);
    expect(warnings.filter((w) => w.includes("KEYSHIP_SESSION_SECRET"))).toHaveLength(1);
    expect(settings.sessionSecret?.length).toBeGreaterThanOrEqual(32);
  });

  it("infers the development origin of an app that mounts keyship and listens on PORT", () => {
    const mounted = load({ PORT: "3000" });
    expect(mounted.settings.port).toBe(3000);
    expect(mounted.settings.origins).toEqual(["http://localhost:3000"]);
    expect(mounted.warnings.find((w) => w.includes("KEYSHIP_ORIGIN"))).toContain(
      "http://localhost:3000",
    );
    // KEYSHIP_PORT wins over PORT; an explicit origin wins over both.
    expect(load({ PORT: "3000", KEYSHIP_PORT: "9000" }).settings.origins).toEqual([
      "http://localhost:9000",
    ]);
    expect(
      load({ PORT: "3000", KEYSHIP_ORIGIN: "http://localhost:5173" }).settings.origins,
    ).toEqual(["http://localhost:5173"]);
    expect(() => load({ PORT: "web" })).toThrow(/PORT is not valid/);
  });

  it("reads KEYSHIP_* variables and parses lists, numbers and booleans", () => {
    const { settings, warnings } = load({
      KEYSHIP_RP_ID: "example.com",
      KEYSHIP_ORIGIN: "https://example.com, https://app.example.com/",
      KEYSHIP_WEBAUTHN_TTL_SECONDS: "120",
      KEYSHIP_AUTO_MIGRATE: "false",
      KEYSHIP_USER_VERIFICATION: "required",
      KEYSHIP_SESSION_SECRET: "s".repeat(32),
    });
    expect(settings.origins).toEqual(["https://example.com", "https://app.example.com"]);
    expect(settings.webauthnTtlSeconds).toBe(120);
    expect(settings.autoMigrate).toBe(false);
    expect(settings.userVerification).toBe("required");
    expect(warnings).toEqual([]);
  });

  it("lets explicit options win over variables", () => {
    const { settings } = load({ KEYSHIP_RP_NAME: "from env" }, { rpName: "from option" });
    expect(settings.rpName).toBe("from option");
  });

  it("reads a .env file below the process environment", () => {
    const dir = mkdtempSync(join(tmpdir(), "keyship-env-"));
    const file = join(dir, ".env");
    writeFileSync(file, "KEYSHIP_RP_NAME=dotenv\nKEYSHIP_PORT=9100\n");
    const { settings } = loadSettings({ env: { KEYSHIP_PORT: "9200" }, envFile: file });
    expect(settings.rpName).toBe("dotenv");
    expect(settings.port).toBe(9200);
  });

  it.each([
    [
      { KEYSHIP_ORIGIN: "localhost:5173" },
      /KEYSHIP_ORIGIN is not valid: must be an exact http\(s\) origin such as https:\/\/app\.example\.com/,
    ],
    [
      { KEYSHIP_ORIGIN: "http://localhost:5173/app" },
      /KEYSHIP_ORIGIN is not valid: must be an origin only/,
    ],
    [
      { KEYSHIP_ACCESS_TOKEN_TTL: "forever" },
      /KEYSHIP_ACCESS_TOKEN_TTL is not valid: must be seconds or a duration such as 15m, 12h, 30d \(30 s to 86400 s\)/,
    ],
  ])("explains what %o should look like, with an example", (env, message) => {
    expect(() => load(env)).toThrow(message);
  });

  it("refuses invalid values with a config error naming the variable", () => {
    expect(() => load({ KEYSHIP_USER_VERIFICATION: "sometimes" })).toThrow(
      /KEYSHIP_USER_VERIFICATION/,
    );
  });

  it("fails production startup with ONE error listing every missing or unsafe setting", () => {
    let error: unknown;
    try {
      load({ KEYSHIP_ENV: "production", KEYSHIP_DATABASE_URL: "sqlite::memory:" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KeyshipConfigError);
    const problems = (error as KeyshipConfigError).problems;
    expect(problems.some((p) => p.startsWith("KEYSHIP_RP_ID is not set"))).toBe(true);
    expect(problems.some((p) => p.startsWith("KEYSHIP_ORIGIN is not set"))).toBe(true);
    expect(problems.some((p) => p.includes("in-memory SQLite"))).toBe(true);
    expect(problems.some((p) => p.startsWith("KEYSHIP_SESSION_SECRET is not set"))).toBe(true);
    expect((error as Error).message.split("\n  - ")).toHaveLength(problems.length + 1);
  });

  it.each([
    ["a plain-http origin", { KEYSHIP_ORIGIN: "http://example.com" }, /not https/],
    ["an origin off the RP ID", { KEYSHIP_ORIGIN: "https://evil.test" }, /not on KEYSHIP_RP_ID/],
    [
      "SQLite in the temp dir",
      { KEYSHIP_DATABASE_URL: `sqlite:${join(tmpdir(), "k.db")}` },
      /temporary directory/,
    ],
  ])("refuses %s in production", (_name, env, pattern) => {
    expect(() =>
      load({
        KEYSHIP_ENV: "production",
        KEYSHIP_RP_ID: "example.com",
        KEYSHIP_ORIGIN: "https://example.com",
        KEYSHIP_DATABASE_URL: "postgres://db/keyship",
        ...env,
      }),
    ).toThrow(pattern);
  });

  it("starts in production when every setting is safe", () => {
    const { settings, warnings } = load({
      NODE_ENV: "production",
      KEYSHIP_RP_ID: "example.com",
      KEYSHIP_ORIGIN: "https://app.example.com",
      KEYSHIP_DATABASE_URL: "postgres://db/keyship",
      KEYSHIP_SESSION_SECRET: "s".repeat(32),
    });
    expect(settings.env).toBe("production");
    expect(settings.host).toBe("0.0.0.0");
    expect(warnings).toEqual([]);
  });
});
