/**
 * Device Bound Session Credentials in real Chromium 156 (issue 18): keyship on plain HTTP
 * behind a TLS-terminating proxy, its public origin `https://localhost:<port>`. A cookie
 * sign-in makes the browser register a key it never exports; the short-lived bound cookie is
 * renewed only by signatures of that key; a copy of the cookies stops working when the bound
 * cookie expires; revoking the session ends it in the browser; a browser without DBSC keeps a
 * plain cookie session.
 *
 * Time: the bound cookie lives `dbscCookieTtl` (5 minutes here, above Chromium's 2-minute
 * proactive-refresh window, so the browser refreshes only when a test lets the cookie expire).
 * A test lets it expire on both sides at once: the server's clock moves past the cookie's
 * expiry, and the browser's copy is removed, which is all that its expiry does (Chromium's
 * cookie jar runs on the real clock). Chromium signs at most 6 times per 9 minutes per site and
 * browser context, so each scenario takes a fresh context.
 */

import { generateKeyPair, SignJWT } from "jose";
import type { Browser, BrowserContext, Cookie, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeWithBrowser } from "./helpers/browser.ts";
import {
  type DbscBrowserEvent,
  type DbscBrowserEvents,
  jwsHeader,
  launchHttpsBrowser,
  pageRequest,
  watchDbscEvents,
} from "./helpers/dbsc.ts";
import { type HttpsStack, startHttpsStack } from "./helpers/https-stack.ts";
import { SECRET_PATH } from "./helpers/server.ts";
import { requestOverTls, type TlsAnswer } from "./helpers/tls.ts";
import type { ProxiedExchange } from "./helpers/tls-proxy.ts";

const COOKIE_TTL_S = 300;
const ACCESS_COOKIE = "__Host-keyship-access";
const BOUND_COOKIE = "__Host-keyship-bound";
const EMAIL = "dbsc@example.com";
const PASSWORD = "correct horse battery staple";

const isPost = (path: string) => (e: ProxiedExchange) => e.method === "POST" && e.path === path;
const isDbscRequest = (e: ProxiedExchange) => e.path.startsWith("/auth/dbsc/");
const created = (e: DbscBrowserEvent) => e.creationEventDetails !== undefined;
const refreshed = (e: DbscBrowserEvent) => e.refreshEventDetails !== undefined;
const terminated = (e: DbscBrowserEvent) => e.terminationEventDetails !== undefined;

function cookieHeader(cookies: readonly Cookie[]): string {
  return cookies.map((cookie) => `${cookie.name}=${cookie.value}`).join("; ");
}

function problemCode(answer: TlsAnswer): unknown {
  return (JSON.parse(answer.text) as { code?: unknown }).code;
}

describeWithBrowser("DBSC in Chromium over HTTPS behind a TLS-terminating proxy", () => {
  let stack: HttpsStack;
  let browser: Browser;
  /** Chromium as it ships: DBSC off. */
  let plainBrowser: Browser;

  beforeAll(async () => {
    stack = await startHttpsStack({ settings: { dbscCookieTtl: COOKIE_TTL_S } });
    const launched = await Promise.allSettled([
      launchHttpsBrowser(stack.certificate, { dbsc: true }),
      launchHttpsBrowser(stack.certificate, { dbsc: false }),
    ]);
    const [withDbsc, without] = launched.map((l) =>
      l.status === "fulfilled" ? l.value : undefined,
    );
    if (withDbsc !== undefined) browser = withDbsc;
    if (without !== undefined) plainBrowser = without;
    for (const l of launched) if (l.status === "rejected") throw l.reason;
  });

  afterAll(async () => {
    await Promise.all([browser?.close(), plainBrowser?.close()]);
    await stack?.close();
  });

  /** A fresh context of `on` on a page of `at`, its DBSC events watched. */
  async function openContext(
    on: Browser = browser,
    at: HttpsStack = stack,
  ): Promise<{ context: BrowserContext; page: Page; events: DbscBrowserEvents }> {
    const context = await on.newContext();
    const page = await context.newPage();
    const events = await watchDbscEvents(page);
    // Any page of the origin will do; the tests call fetch() in it.
    await page.goto(`${at.origin}/health`);
    return { context, page, events };
  }

  /** Signs in with the password in cookie mode; the first call signs up. */
  async function signIn(page: Page, signUp = false): Promise<string> {
    const answer = await pageRequest(page, signUp ? "/auth/register" : "/auth/login", {
      email: EMAIL,
      password: PASSWORD,
      session: "cookie",
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(signUp ? 201 : 200);
    return String(answer.body.sessionId);
  }

  /** Lets the bound cookie expire for the server (its clock) and the browser (its jar). */
  async function expireBoundCookie(context: BrowserContext): Promise<void> {
    stack.clock.advance(COOKIE_TTL_S + 1);
    await context.clearCookies({ name: BOUND_COOKIE });
  }

  async function boundCookie(context: BrowserContext): Promise<Cookie | undefined> {
    return (await context.cookies()).find((cookie) => cookie.name === BOUND_COOKIE);
  }

  let first: { context: BrowserContext; page: Page; events: DbscBrowserEvents; sessionId: string };

  it("registers at a cookie sign-in: the browser proves a new key and gets the bound cookie", async () => {
    const opened = await openContext();
    const since = stack.proxy.exchanges.length;
    const sessionId = await signIn(opened.page, true);
    first = { ...opened, sessionId };

    const signInAnswer = await stack.proxy.waitForExchange(isPost("/auth/register"), { since });
    const offer = String(signInAnswer.responseHeaders["secure-session-registration"]);
    expect(offer).toMatch(/^\(ES256( RS256)?\);/);
    expect(offer).toContain(`;path="${stack.origin}/auth/dbsc/register"`);
    expect(offer).toMatch(/;challenge="[^"]+"/);
    const creation = await opened.events.waitFor(created);
    expect(creation).toMatchObject({
      sessionId,
      succeeded: true,
      creationEventDetails: { fetchResult: "Success" },
    });
    const registration = await stack.proxy.waitForExchange(isPost("/auth/dbsc/register"), {
      since,
    });
    expect(registration.status).toBe(200);
    const proof = String(registration.requestHeaders["secure-session-response"]);
    expect(jwsHeader(proof)).toMatchObject({ typ: "dbsc+jwt", alg: "ES256", jwk: { kty: "EC" } });
    expect(JSON.parse(registration.responseBody)).toMatchObject({
      session_identifier: sessionId,
      refresh_url: `${stack.origin}/auth/dbsc/refresh`,
      scope: { origin: stack.origin },
      credentials: [{ type: "cookie", name: BOUND_COOKIE }],
    });

    expect(await boundCookie(opened.context)).toMatchObject({ secure: true, httpOnly: true });
    const secret = await pageRequest(opened.page, SECRET_PATH);
    expect(secret.status).toBe(200);
  });

  it("renews the expired bound cookie by signing the server's challenge, before the request goes out", async () => {
    const { context, page, events, sessionId } = first;
    const before = await boundCookie(context);
    await expireBoundCookie(context);
    const since = stack.proxy.exchanges.length;
    const sinceEvent = events.events.length;

    expect((await pageRequest(page, SECRET_PATH)).status).toBe(200);

    const challenged = await stack.proxy.waitForExchange(isPost("/auth/dbsc/refresh"), { since });
    expect(challenged.status).toBe(403);
    expect(challenged.requestHeaders["sec-secure-session-id"]).toBe(sessionId);
    expect(challenged.responseHeaders["secure-session-challenge"]).toMatch(
      new RegExp(`^"[^"]+";id="${sessionId}"$`),
    );
    const answered = await stack.proxy.waitForExchange(isPost("/auth/dbsc/refresh"), {
      since: challenged.index + 1,
    });
    expect(answered.status).toBe(200);
    expect(jwsHeader(String(answered.requestHeaders["secure-session-response"]))).toEqual({
      alg: "ES256",
      typ: "dbsc+jwt",
    });
    // The request waited for the refresh and went out with the fresh cookie.
    const secret = await stack.proxy.waitForExchange((e) => e.path === SECRET_PATH, { since });
    expect(secret.index).toBeGreaterThan(answered.index);
    const after = await boundCookie(context);
    expect(after?.value).toBeDefined();
    expect(after?.value).not.toBe(before?.value);
    expect(String(secret.requestHeaders.cookie)).toContain(`${BOUND_COOKIE}=${after?.value}`);
    expect(await events.waitFor(refreshed, { since: sinceEvent })).toMatchObject({
      succeeded: true,
      refreshEventDetails: { refreshResult: "Refreshed", fetchResult: "Success" },
    });
    // With its bound cookie, the browser renews its access token as any cookie session does.
    const renewed = await pageRequest(page, "/auth/token/refresh", {});
    expect(renewed.status, JSON.stringify(renewed.body)).toBe(200);
  });

  it("lets a copy of the cookies work only until the bound cookie expires, and never renews it", async () => {
    const { context, page } = first;
    const copied = await context.cookies();
    const cookie = cookieHeader(copied);
    const csrf = copied.find((c) => c.name === "__Host-keyship-csrf")?.value ?? "";
    const replay = (
      path: string,
      init: { method?: string; headers?: Record<string, string>; body?: string } = {},
    ) =>
      requestOverTls(stack.certificate, `${stack.origin}${path}`, {
        ...init,
        headers: { cookie, ...init.headers },
      });
    // A complete copy: from another client it works, as long as the bound cookie lives.
    expect((await replay(SECRET_PATH)).status).toBe(200);

    await expireBoundCookie(context);
    const refused = await replay(SECRET_PATH);
    expect(refused.status).toBe(401);
    const refreshedTokens = await replay("/auth/token/refresh", {
      method: "POST",
      headers: { "content-type": "application/json", "x-csrf-token": csrf },
      body: "{}",
    });
    expect(refreshedTokens.status, refreshedTokens.text).toBeGreaterThanOrEqual(400);
    expect(problemCode(refreshedTokens)).toBe("dbsc.bound_cookie_required");

    // The DBSC refresh needs the session key: the copy gets a challenge it cannot answer.
    const sessionHeader = { "sec-secure-session-id": first.sessionId };
    const challenged = await replay("/auth/dbsc/refresh", {
      method: "POST",
      headers: sessionHeader,
    });
    expect(challenged.status).toBe(403);
    const challenge = /^"([^"]+)"/.exec(
      String(challenged.headers["secure-session-challenge"]),
    )?.[1];
    expect(challenge).toBeDefined();
    const { privateKey } = await generateKeyPair("ES256");
    const forged = await new SignJWT({ jti: challenge })
      .setProtectedHeader({ alg: "ES256", typ: "dbsc+jwt" })
      .sign(privateKey);
    const answered = await replay("/auth/dbsc/refresh", {
      method: "POST",
      headers: { ...sessionHeader, "secure-session-response": forged },
    });
    expect(answered.status).toBe(403);
    expect(problemCode(answered)).toBe("dbsc.proof_refused");
    expect(answered.headers["set-cookie"] ?? []).not.toContainEqual(
      expect.stringContaining(BOUND_COOKIE),
    );
    expect((await replay(SECRET_PATH)).status).toBe(401);

    // The browser, holding the key, carries on.
    expect((await pageRequest(page, SECRET_PATH)).status).toBe(200);
  });

  it("ends the browser's DBSC session when the session is revoked elsewhere (continue: false)", async () => {
    const { context, page, events } = await openContext();
    const sessionId = await signIn(page);
    await events.waitFor(created);
    // The user, signed in on another device, revokes the browser's session.
    const elsewhere = await requestOverTls(stack.certificate, `${stack.origin}/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: EMAIL, password: PASSWORD, session: "bearer" }),
    });
    expect(elsewhere.status, elsewhere.text).toBe(200);
    const { accessToken } = JSON.parse(elsewhere.text) as { accessToken: string };
    const asUser = (path: string, body?: unknown) =>
      requestOverTls(stack.certificate, `${stack.origin}${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    // Revoking a session is a sensitive action: it takes a fresh proof of the password.
    const steppedUp = await asUser("/auth/step-up/password", { password: PASSWORD });
    expect(steppedUp.status, steppedUp.text).toBe(200);
    const revoked = await asUser(`/auth/sessions/${sessionId}/revoke`);
    expect(revoked.status, revoked.text).toBe(204);

    await expireBoundCookie(context);
    const since = stack.proxy.exchanges.length;
    expect((await pageRequest(page, SECRET_PATH)).status).toBe(401);
    const ending = await stack.proxy.waitForExchange(
      (e) => isPost("/auth/dbsc/refresh")(e) && e.status === 200,
      { since },
    );
    expect(JSON.parse(ending.responseBody)).toEqual({
      session_identifier: sessionId,
      continue: false,
    });
    expect(await events.waitFor(terminated)).toMatchObject({
      sessionId,
      terminationEventDetails: { deletionReason: "ServerRequested" },
    });

    // No DBSC session any more: the next request is not held for a refresh.
    const after = stack.proxy.exchanges.length;
    expect((await pageRequest(page, SECRET_PATH)).status).toBe(401);
    await stack.proxy.waitForExchange((e) => e.path === SECRET_PATH, { since: after });
    expect(stack.proxy.exchanges.slice(after).filter(isDbscRequest)).toEqual([]);
    await context.close();
  });

  it("renews a bound cookie with under 2 minutes left in the background, not holding the request", async () => {
    // Chromium refreshes ahead when an in-scope request finds less than 2 minutes left: with
    // the shortest lifetime keyship allows (1 minute) that is the first request after sign-up.
    const shortLived = await startHttpsStack({
      settings: { dbscCookieTtl: 60 },
      certificate: stack.certificate,
    });
    try {
      const { context, page, events } = await openContext(browser, shortLived);
      const sessionId = await signIn(page, true);
      await events.waitFor(created);
      const since = shortLived.proxy.exchanges.length;
      const sinceEvent = events.events.length;

      expect((await pageRequest(page, SECRET_PATH)).status).toBe(200);
      expect(await events.waitFor(refreshed, { since: sinceEvent })).toMatchObject({
        sessionId,
        succeeded: true,
        refreshEventDetails: { refreshResult: "Refreshed", wasFullyProactiveRefresh: true },
      });
      // The browser says no request waited for it (above); keyship answered with a fresh cookie.
      const renewal = await shortLived.proxy.waitForExchange(
        (e) => isPost("/auth/dbsc/refresh")(e) && e.status === 200,
        { since },
      );
      expect(renewal.responseHeaders["set-cookie"]).toContainEqual(
        expect.stringMatching(new RegExp(`^${BOUND_COOKIE}=[^;]+;.*Max-Age=60`)),
      );
      expect(await boundCookie(context)).toBeDefined();
      await context.close();
    } finally {
      await shortLived.close();
    }
  });

  it("keeps a plain cookie session in a browser without DBSC", async () => {
    const { context, page } = await openContext(plainBrowser);
    const since = stack.proxy.exchanges.length;
    await signIn(page);
    const signInAnswer = await stack.proxy.waitForExchange(isPost("/auth/login"), { since });
    expect(signInAnswer.responseHeaders["secure-session-registration"]).toBeDefined();
    // A DBSC browser registers within ~20 ms of the sign-in answer; this one never does.
    await expect(
      stack.proxy.waitForExchange(isDbscRequest, { since, timeoutMs: 750 }),
    ).rejects.toThrow(/nothing matched/);

    expect((await pageRequest(page, SECRET_PATH)).status).toBe(200);
    const renewed = await pageRequest(page, "/auth/token/refresh", {});
    expect(renewed.status, JSON.stringify(renewed.body)).toBe(200);
    const names = (await context.cookies()).map((cookie) => cookie.name);
    expect(names).toContain(ACCESS_COOKIE);
    expect(names).not.toContain(BOUND_COOKIE);
  });

  it("offers DBSC only when keyship trusts the proxy's forwarded scheme and host", async () => {
    const signUp = (on: HttpsStack, email: string) =>
      requestOverTls(on.certificate, `${on.origin}/auth/register`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email, password: PASSWORD, session: "cookie" }),
      });
    const trusted = await signUp(stack, "trusted-proxy@example.com");
    expect(trusted.status, trusted.text).toBe(201);
    expect(trusted.headers["secure-session-registration"]).toBeDefined();

    // Without KEYSHIP_TRUST_PROXY keyship sees http://127.0.0.1, which is none of its origins.
    const untrusting = await startHttpsStack({
      settings: { trustProxy: false },
      certificate: stack.certificate,
    });
    try {
      const answer = await signUp(untrusting, "untrusted-proxy@example.com");
      expect(answer.status, answer.text).toBe(201);
      expect(answer.headers["secure-session-registration"]).toBeUndefined();
    } finally {
      await untrusting.close();
    }
  });
});
