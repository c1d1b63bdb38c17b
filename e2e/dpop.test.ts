/**
 * `@keyship/client` with `binding: "dpop"` in Chromium against a real keyship server: a
 * passkey sign-up (virtual authenticator) binds a DPoP session to the same non-extractable
 * P-256 device key, every API call carries `Authorization: DPoP` and a fresh proof, the
 * session survives a reload, and what crossed the wire is useless elsewhere: the access token
 * sent as `Bearer`, or again with the proof it came with, is refused. e2e/dpop-client.test.ts
 * runs the same client without a browser, on both dialects.
 */

import type { Page, Request } from "playwright-core";
import { beforeAll, expect, it } from "vitest";
import { describeWithBrowser, gotoTestPage, pageOk } from "./helpers/browser.ts";
import { useTestPage } from "./helpers/fixture.ts";
import { SECRET_PATH } from "./helpers/server.ts";

/** The base64url-decoded JSON of a JWT's first or second part. */
function jwtPart(jwt: string, index: 0 | 1): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split(".")[index] ?? "", "base64url").toString());
}

describeWithBrowser("DPoP-bound sessions of @keyship/client in Chromium", () => {
  const t = useTestPage();
  let page: Page;
  let userId = "";

  /** Calls the protected route through the SDK and returns the request Chromium sent. */
  async function callThroughSdk(): Promise<Request> {
    const sent = page.waitForRequest((r) => new URL(r.url()).pathname === SECRET_PATH);
    const response = await pageOk(page, "fetchWithClient", SECRET_PATH);
    expect(response).toMatchObject({ status: 200, body: { userId } });
    return sent;
  }

  beforeAll(async () => {
    page = t.page;
    await gotoTestPage(page, `${t.origin}/?binding=dpop`);
    const sent = page.waitForRequest((r) => r.url().endsWith("/auth/passkey/register/finish"));
    const signIn = await pageOk(page, "register", { email: "dpop@example.com" });
    userId = signIn.userId;
    const finish = await sent;
    const proof = (await finish.allHeaders()).dpop ?? "";
    expect(jwtPart(proof, 0)).toMatchObject({ typ: "dpop+jwt", alg: "ES256" });
    expect(signIn).not.toHaveProperty("accessToken");
  });

  it("keeps the device key non-extractable, with the session stored beside it", async () => {
    const stored = await pageOk(page, "inspectStoredKey");
    expect(stored).toMatchObject({
      isCryptoKey: true,
      extractable: false,
      algorithm: "ECDSA/P-256",
      exportResults: { jwk: "InvalidAccessError", pkcs8: "InvalidAccessError" },
    });
  });

  it("calls with Authorization: DPoP and a fresh proof naming the method, URL and token", async () => {
    const first = await callThroughSdk();
    const headers = await first.allHeaders();
    const [scheme, token] = (headers.authorization ?? "").split(" ");
    expect(scheme).toBe("DPoP");
    const header = jwtPart(headers.dpop ?? "", 0);
    expect(header).toMatchObject({
      typ: "dpop+jwt",
      alg: "ES256",
      jwk: { kty: "EC", crv: "P-256" },
    });
    expect(header.jwk).not.toHaveProperty("d");
    const claims = jwtPart(headers.dpop ?? "", 1);
    expect(claims).toMatchObject({ htm: "GET", htu: `${t.origin}${SECRET_PATH}` });
    const bound = jwtPart(token ?? "", 1) as { cnf?: { jkt?: string } };
    expect(bound.cnf?.jkt).toMatch(/^[\w-]{43}$/);
    const second = await (await callThroughSdk()).allHeaders();
    expect(jwtPart(second.dpop ?? "", 1).jti).not.toBe(claims.jti);
  });

  it("stays signed in after a reload, with the same key", async () => {
    await gotoTestPage(page, `${t.origin}/?binding=dpop`);
    expect(await pageOk(page, "isSignedIn")).toBe(true);
    await callThroughSdk();
  });

  it("refuses what crossed the wire when it is used elsewhere", async () => {
    const headers = await (await callThroughSdk()).allHeaders();
    const token = (headers.authorization ?? "").split(" ")[1] ?? "";
    const url = `${t.origin}${SECRET_PATH}`;
    const asBearer = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    expect(asBearer.status).toBe(401);
    const replayed = await fetch(url, {
      headers: { authorization: `DPoP ${token}`, dpop: headers.dpop ?? "" },
    });
    expect(replayed.status).toBe(401);
    expect(replayed.headers.get("www-authenticate")).toMatch(/^DPoP .*error="invalid_dpop_proof"/);
    const withoutProof = await fetch(url, { headers: { authorization: `DPoP ${token}` } });
    expect(withoutProof.status).toBe(401);
  });
});
