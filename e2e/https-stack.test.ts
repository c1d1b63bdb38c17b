/**
 * The HTTPS harness of the DBSC tests (e2e/helpers/https-stack.ts): keyship on plain HTTP
 * behind a TLS-terminating proxy with a certificate made at test time. It must be real TLS,
 * tell keyship the public scheme, host and client as a proxy does, pass every `Set-Cookie`
 * through, and be trusted by Chromium only through the certificate's SPKI hash.
 */

import { get } from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeWithBrowser, gotoTestPage, launchBrowser } from "./helpers/browser.ts";
import { type HttpsStack, startHttpsStack } from "./helpers/https-stack.ts";
import { requestOverTls, trustCertificateArg } from "./helpers/tls.ts";

const ECHO_PATH = "/api/forwarded";

let stack: HttpsStack;

beforeAll(async () => {
  stack = await startHttpsStack({
    routes: (app) =>
      app.get(ECHO_PATH, (c) =>
        c.json({
          proto: c.req.header("x-forwarded-proto"),
          host: c.req.header("x-forwarded-host"),
          for: c.req.header("x-forwarded-for"),
        }),
      ),
  });
});

afterAll(async () => {
  await stack?.close();
});

describe("keyship behind the test's TLS proxy", () => {
  it("speaks real TLS: a client that does not trust the test certificate is refused", async () => {
    const health = await requestOverTls(stack.certificate, `${stack.origin}/health`);
    expect(health.status).toBe(200);
    const untrusting = new Promise((resolve, reject) => {
      get(`${stack.origin}/health`, resolve).on("error", reject);
    });
    await expect(untrusting).rejects.toMatchObject({ code: "DEPTH_ZERO_SELF_SIGNED_CERT" });
  });

  it("tells the app the public scheme and host, whatever the client claims, and appends the client", async () => {
    const answer = await requestOverTls(stack.certificate, `${stack.origin}${ECHO_PATH}`, {
      headers: {
        "x-forwarded-proto": "http",
        "x-forwarded-host": "evil.example",
        "x-forwarded-for": "203.0.113.9",
      },
    });
    expect(JSON.parse(answer.text)).toEqual({
      proto: "https",
      host: new URL(stack.origin).host,
      for: "203.0.113.9, 127.0.0.1",
    });
  });

  it("passes every Set-Cookie through: an HTTPS cookie sign-up gets the three __Host- cookies", async () => {
    const answer = await requestOverTls(stack.certificate, `${stack.origin}/auth/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        email: "proxy@example.com",
        password: "correct horse battery staple",
        session: "cookie",
      }),
    });
    expect(answer.status, answer.text).toBe(201);
    const names = (answer.headers["set-cookie"] ?? []).map((cookie) => cookie.split("=")[0]);
    expect(names).toEqual(
      expect.arrayContaining([
        "__Host-keyship-access",
        "__Host-keyship-refresh",
        "__Host-keyship-csrf",
      ]),
    );
  });
});

describeWithBrowser("Chromium and the test certificate", () => {
  it("loads the app over HTTPS with the certificate's SPKI hash, and refuses it without", async () => {
    const [trusting, untrusting] = await Promise.all([
      launchBrowser([trustCertificateArg(stack.certificate)]),
      launchBrowser(),
    ]);
    try {
      const page = await trusting.newPage();
      await gotoTestPage(page, stack.origin);
      expect(await page.evaluate(() => window.isSecureContext)).toBe(true);
      const refused = (await untrusting.newPage()).goto(stack.origin);
      await expect(refused).rejects.toThrow(/ERR_CERT_AUTHORITY_INVALID/);
    } finally {
      await Promise.all([trusting.close(), untrusting.close()]);
    }
  });
});
