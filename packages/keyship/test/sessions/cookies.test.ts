import { beforeAll, describe, expect, it } from "vitest";
import { requireUser } from "../../src/guards/guards.ts";
import { dialects } from "../helpers/databases.ts";
import { codeOf, TEST_ORIGIN } from "../helpers/passkeys.ts";
import {
  bearer,
  cookieHeader,
  cookiesOf,
  registerWithSession,
  type SessionAnswer,
} from "../helpers/sessions.ts";
import { useSuite } from "../helpers/suite.ts";

const SECURE_ORIGIN = "https://app.example.test";

function setCookieLine(res: Response, name: string): string {
  const line = res.headers.getSetCookie().find((l) => l.startsWith(`${name}=`));
  if (line === undefined) throw new Error(`no Set-Cookie for ${name}`);
  return line;
}

describe.each(dialects)("cookie sessions on $name", (dialect) => {
  describe("over HTTPS", () => {
    const suite = useSuite(dialect, { origins: [SECURE_ORIGIN], rpId: "app.example.test" });
    beforeAll(() => {
      suite.app.get("/whoami", requireUser(), (c) => c.json(c.var.principal));
      suite.app.post("/api/write", requireUser(), (c) => c.json({ ok: true }));
    });
    const signUp = () => registerWithSession(suite.app, "cookie", { origin: SECURE_ORIGIN });
    const post = (path: string, jar: Record<string, string>, headers: Record<string, string>) =>
      suite.app.request(path, {
        method: "POST",
        headers: { cookie: cookieHeader(jar), "content-type": "application/json", ...headers },
        body: "{}",
      });

    it("sets __Host- cookies: HttpOnly, Secure, SameSite=Lax, Path=/, no Domain", async () => {
      const { res, body } = await signUp();
      expect(body.accessToken).toBeUndefined();
      expect(body.refreshToken).toBeUndefined();
      expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
      for (const name of ["__Host-keyship-access", "__Host-keyship-refresh"]) {
        const line = setCookieLine(res, name);
        expect(line).toMatch(/; HttpOnly/);
        expect(line).toMatch(/; Secure/);
        expect(line).toMatch(/; SameSite=Lax/);
        expect(line).toMatch(/; Path=\//);
        expect(line).not.toMatch(/Domain=/i);
      }
      expect(setCookieLine(res, "__Host-keyship-access")).toMatch(/Max-Age=900/);
      const csrf = setCookieLine(res, "__Host-keyship-csrf");
      expect(csrf).not.toMatch(/HttpOnly/);
      expect(csrf).toContain(`__Host-keyship-csrf=${body.csrfToken}`);
    });

    it("authenticates with the access cookie as a session principal", async () => {
      const { cookies, body } = await signUp();
      const res = await suite.app.request("/whoami", {
        headers: { cookie: cookieHeader(cookies) },
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ via: "session", sessionId: body.sessionId });
    });

    it.each([
      ["a cross-site Origin", { origin: "https://evil.example", "sec-fetch-site": "cross-site" }],
      ["a foreign Origin alone", { origin: "https://evil.example" }],
      ["Sec-Fetch-Site cross-site alone", { "sec-fetch-site": "cross-site" }],
      ["no Origin, no Sec-Fetch-Site and no token", {}],
      ["a wrong X-CSRF-Token", { "x-csrf-token": "A".repeat(43) }],
    ])("refuses a POST with %s", async (_name, headers) => {
      const { cookies } = await signUp();
      const res = await post("/api/write", cookies, headers);
      expect(res.status).toBe(403);
      expect(await codeOf(res)).toBe("auth.csrf_failed");
    });

    it.each([
      ["our Origin", { origin: SECURE_ORIGIN }],
      ["Sec-Fetch-Site same-origin", { "sec-fetch-site": "same-origin" }],
      ["the double-submit token", "csrf"],
    ] as const)("accepts a POST with %s", async (_name, headers) => {
      const { cookies, body } = await signUp();
      const extra = headers === "csrf" ? { "x-csrf-token": body.csrfToken as string } : headers;
      expect((await post("/api/write", cookies, extra)).status).toBe(200);
    });

    it("lets a cross-site GET through (safe method)", async () => {
      const { cookies } = await signUp();
      const res = await suite.app.request("/whoami", {
        headers: { cookie: cookieHeader(cookies), "sec-fetch-site": "cross-site" },
      });
      expect(res.status).toBe(200);
    });

    it("does not apply to Bearer requests", async () => {
      const { body } = await registerWithSession(suite.app, "bearer", { origin: SECURE_ORIGIN });
      const res = await suite.app.request("/api/write", {
        method: "POST",
        headers: {
          ...bearer(body.accessToken),
          origin: "https://evil.example",
          "content-type": "application/json",
        },
        body: "{}",
      });
      expect(res.status).toBe(200);
    });

    it("refreshes from the refresh cookie, setting new cookies", async () => {
      const { cookies, body } = await signUp();
      const res = await post("/auth/token/refresh", cookies, { origin: SECURE_ORIGIN });
      expect(res.status).toBe(200);
      const answer = (await res.json()) as SessionAnswer;
      expect(answer.sessionId).toBe(body.sessionId);
      expect(answer.refreshToken).toBeUndefined();
      const next = cookiesOf(res);
      expect(next["__Host-keyship-refresh"]).not.toBe(cookies["__Host-keyship-refresh"]);
      const me = await suite.app.request("/whoami", { headers: { cookie: cookieHeader(next) } });
      expect(me.status).toBe(200);
      // The old refresh cookie is spent: replaying it revokes the family.
      const replay = await post("/auth/token/refresh", cookies, { origin: SECURE_ORIGIN });
      expect(await codeOf(replay)).toBe("token.refresh_reused");
    });

    it("refuses a cross-site refresh", async () => {
      const { cookies } = await signUp();
      const res = await post("/auth/token/refresh", cookies, {
        origin: "https://evil.example",
        "sec-fetch-site": "cross-site",
      });
      expect(res.status).toBe(403);
      expect(await codeOf(res)).toBe("auth.csrf_failed");
    });

    it("logout clears the cookies and ends the session on the next request", async () => {
      const { cookies } = await signUp();
      const res = await post("/auth/logout", cookies, { origin: SECURE_ORIGIN });
      expect(res.status).toBe(204);
      expect(res.headers.get("clear-site-data")).toBe('"cookies"');
      for (const name of [
        "__Host-keyship-access",
        "__Host-keyship-refresh",
        "__Host-keyship-csrf",
      ]) {
        expect(setCookieLine(res, name)).toMatch(/Max-Age=0/);
      }
      const again = await suite.app.request("/whoami", {
        headers: { cookie: cookieHeader(cookies) },
      });
      expect(again.status).toBe(401);
      expect(await codeOf(again)).toBe("token.revoked");
    });

    it("clears a revoked cookie and never lets it block a public route", async () => {
      const { cookies } = await signUp();
      // "Log out everywhere" from another tab: this jar still holds the dead cookies.
      const everywhere = await post("/auth/logout-all", cookies, { origin: SECURE_ORIGIN });
      expect(everywhere.status).toBe(200);
      const start = await post("/auth/passkey/login/start", cookies, { origin: SECURE_ORIGIN });
      expect(start.status).toBe(200);
      for (const name of [
        "__Host-keyship-access",
        "__Host-keyship-refresh",
        "__Host-keyship-csrf",
      ]) {
        expect(setCookieLine(start, name)).toMatch(/Max-Age=0/);
      }
      const me = await suite.app.request("/whoami", { headers: { cookie: cookieHeader(cookies) } });
      expect(await codeOf(me)).toBe("token.revoked");
      expect(setCookieLine(me, "__Host-keyship-access")).toMatch(/Max-Age=0/);
    });

    it("clears only the access cookie when it expired (the refresh cookie renews it)", async () => {
      const { cookies } = await signUp();
      suite.clock.advance(960_000);
      try {
        const me = await suite.app.request("/whoami", {
          headers: { cookie: cookieHeader(cookies) },
        });
        expect(await codeOf(me)).toBe("token.expired");
        expect(setCookieLine(me, "__Host-keyship-access")).toMatch(/Max-Age=0/);
        expect(me.headers.getSetCookie().some((l) => l.includes("refresh"))).toBe(false);
      } finally {
        suite.clock.advance(-960_000);
      }
    });

    it.each([
      ["a foreign Origin", { origin: "https://evil.example" }],
      ["Sec-Fetch-Site cross-site", { "sec-fetch-site": "cross-site" }],
    ])(
      "refuses a cookie-mode sign-in with %s (login CSRF), writing nothing",
      async (_n, headers) => {
        const before = await suite.count("users", "passkeys", "sessions");
        await expect(
          registerWithSession(suite.app, "cookie", { origin: SECURE_ORIGIN, headers }),
        ).rejects.toThrow(/403.*auth\.csrf_failed/);
        expect(await suite.count("users", "passkeys", "sessions")).toEqual(before);
      },
    );

    it("lets a bearer-mode sign-in from a script through (no cookies to plant)", async () => {
      const { body } = await registerWithSession(suite.app, "bearer", {
        origin: SECURE_ORIGIN,
        headers: { origin: "https://evil.example" },
      });
      expect(body.accessToken).toMatch(/^ey/);
    });
  });

  describe("on plain-http localhost in development", () => {
    const suite = useSuite(dialect);

    it("falls back to cookies without __Host- and Secure", async () => {
      const { res, cookies } = await registerWithSession(suite.app, "cookie");
      const line = setCookieLine(res, "keyship-access");
      expect(line).toMatch(/; HttpOnly/);
      expect(line).toMatch(/; SameSite=Lax/);
      expect(line).not.toMatch(/Secure/);
      expect(Object.keys(cookies).sort()).toEqual([
        "keyship-access",
        "keyship-csrf",
        "keyship-refresh",
      ]);
      const me = await suite.app.request("/auth/me", {
        headers: { cookie: cookieHeader(cookies), origin: TEST_ORIGIN },
      });
      expect(me.status).toBe(200);
    });
  });
});
