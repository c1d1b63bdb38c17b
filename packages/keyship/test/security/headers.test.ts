/**
 * Secure headers on every answer, a CSP on keyship's HTML pages, HSTS in production, and CORS
 * only for the listed origins (never `*` with credentials).
 */
import { afterAll, describe, expect, it } from "vitest";
import { loadSettings } from "../../src/config/load.ts";
import { KeyshipConfigError } from "../../src/errors.ts";
import { postJson, testApp } from "../helpers/app.ts";

const APP_ORIGIN = "https://app.example.test";

describe("secure headers", () => {
  const app = testApp("sqlite::memory:", { bodyLimitBytes: 1024 });
  afterAll(() => app.keyship.close());

  it.each([
    ["a JSON answer", "/health", "GET"],
    ["a problem", "/nowhere", "GET"],
    ["a refused POST", "/auth/passkey/add/start", "POST"],
  ])("sets nosniff and Referrer-Policy on %s", async (_name, path, method) => {
    const res =
      method === "POST" ? await postJson(app, path, {}) : await app.request(path, { method });
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
  });

  it("sends no HSTS in development", async () => {
    expect((await app.request("/health")).headers.get("strict-transport-security")).toBeNull();
  });

  it("puts a CSP that forbids framing on /docs", async () => {
    const res = await app.request("/docs");
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-eval");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
  });

  it("leaves CORS off: no Access-Control-* for a foreign page", async () => {
    const res = await app.request("/health", { headers: { origin: APP_ORIGIN } });
    expect([...res.headers.keys()].filter((k) => k.startsWith("access-control"))).toEqual([]);
  });
});

describe("HSTS", () => {
  const app = testApp("sqlite::memory:", { hstsMaxAgeSeconds: 600 });
  afterAll(() => app.keyship.close());

  it("sends Strict-Transport-Security with hstsMaxAgeSeconds", async () => {
    const res = await app.request("/health");
    expect(res.headers.get("strict-transport-security")).toBe("max-age=600; includeSubDomains");
  });

  it("defaults to a year in production and to none in development", () => {
    const production = loadSettings({
      env: {},
      envFile: false,
      options: {
        env: "production",
        databaseUrl: "postgres://app@db.internal/app",
        rpId: "example.test",
        origins: ["https://example.test"],
        sessionSecret: "s".repeat(40),
      },
    });
    expect(production.settings.hstsMaxAgeSeconds).toBe(31_536_000);
    const development = loadSettings({ env: {}, envFile: false, options: {} });
    expect(development.settings.hstsMaxAgeSeconds).toBe(0);
  });
});

describe("CORS with KEYSHIP_CORS_ORIGINS", () => {
  const app = testApp("sqlite::memory:", { corsOrigins: [APP_ORIGIN], bodyLimitBytes: 1024 });
  afterAll(() => app.keyship.close());
  const preflight = (origin: string) =>
    app.request("/auth/me", {
      method: "OPTIONS",
      headers: {
        origin,
        "access-control-request-method": "GET",
        "access-control-request-headers": "authorization",
      },
    });

  it("answers a listed origin's preflight with its own origin and credentials", async () => {
    const res = await preflight(APP_ORIGIN);
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe(APP_ORIGIN);
    expect(res.headers.get("access-control-allow-credentials")).toBe("true");
    expect(res.headers.get("access-control-allow-headers")).toMatch(/Authorization/);
    expect(res.headers.get("vary")).toMatch(/Origin/);
  });

  it("names no origin for a page that is not listed", async () => {
    const res = await preflight("https://evil.example");
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("lets a listed page read answers, trace id and challenges included", async () => {
    const res = await app.request("/auth/me", { headers: { origin: APP_ORIGIN } });
    expect(res.status).toBe(401);
    expect(res.headers.get("access-control-allow-origin")).toBe(APP_ORIGIN);
    expect(res.headers.get("access-control-expose-headers")).toMatch(/X-Trace-Id/);
  });

  it("still refuses an oversized body with 413", async () => {
    const res = await app.request("/auth/passkey/login/start", {
      method: "POST",
      headers: { origin: APP_ORIGIN, "content-type": "application/json" },
      body: JSON.stringify({ pad: "x".repeat(4096) }),
    });
    expect(res.status).toBe(413);
    expect(res.headers.get("access-control-allow-origin")).toBe(APP_ORIGIN);
  });

  it.each([["*"], ["https://app.example.test/path"], ["null"], ["app.example.test"]])(
    "refuses %s as a CORS origin at startup",
    (origin) => {
      expect(() =>
        loadSettings({ env: {}, envFile: false, options: { corsOrigins: [origin] } }),
      ).toThrow(KeyshipConfigError);
    },
  );
});
