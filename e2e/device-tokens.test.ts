/**
 * Issue 5, in Chromium against a real keyship server: the SDK's device key cannot be
 * exported, survives a reload and signs API requests, and stops working once its device is
 * revoked — for tokens minted before and after the revocation alike.
 */

import type { Page } from "playwright-core";
import { beforeAll, expect, it } from "vitest";
import { describeWithBrowser, gotoTestPage, pageFails, pageOk } from "./helpers/browser.ts";
import { useTestPage } from "./helpers/fixture.ts";
import { SECRET_PATH } from "./helpers/server.ts";

describeWithBrowser("device tokens in Chromium", () => {
  const t = useTestPage();
  let page: Page;
  const device = { userId: "", deviceId: "", tokenBeforeRevocation: "" };

  beforeAll(async () => {
    page = t.page;
    const signIn = await pageOk(page, "register", { email: "grace@example.com" });
    device.userId = signIn.userId;
    device.deviceId = signIn.deviceId;
  });

  it("stores a non-extractable P-256 private key in IndexedDB", async () => {
    const stored = await pageOk(page, "inspectStoredKey");
    expect(stored).toEqual({
      recordKeys: [t.origin],
      deviceId: device.deviceId,
      isCryptoKey: true,
      type: "private",
      extractable: false,
      algorithm: "ECDSA/P-256",
      usages: ["sign"],
      exportResults: { jwk: "InvalidAccessError", pkcs8: "InvalidAccessError" },
    });
  });

  it("signs API requests with the stored key after a reload", async () => {
    await gotoTestPage(page, t.origin);
    expect(await pageOk(page, "isSignedIn")).toBe(true);
    const response = await pageOk(page, "fetchWithClient", SECRET_PATH);
    expect(response).toMatchObject({ status: 200, body: { userId: device.userId } });
  });

  it("refuses API requests without a device token", async () => {
    const response = await pageOk(page, "fetchDirect", SECRET_PATH);
    expect(response).toMatchObject({ status: 401, body: { code: "auth.unauthenticated" } });
  });

  it("accepts a token minted directly from the stored key", async () => {
    expect(await pageOk(page, "holdDeviceKey")).toBe(device.deviceId);
    device.tokenBeforeRevocation = await pageOk(page, "mintWithHeldKey");
    const response = await pageOk(page, "fetchDirect", SECRET_PATH, device.tokenBeforeRevocation);
    expect(response).toMatchObject({ status: 200, body: { userId: device.userId } });
  });

  it("revokes its own device and forgets the key", async () => {
    await pageOk(page, "revokeDevice", device.deviceId);
    expect(await pageOk(page, "isSignedIn")).toBe(false);
    const error = await pageFails(page, "fetchWithClient", SECRET_PATH);
    expect(error).toMatchObject({ code: "client.not_signed_in" });
  });

  it("refuses a token of the revoked device that was accepted before", async () => {
    const response = await pageOk(page, "fetchDirect", SECRET_PATH, device.tokenBeforeRevocation);
    expect(response).toMatchObject({
      status: 401,
      contentType: "application/problem+json",
      body: { code: "token.revoked" },
    });
  });

  it("refuses a token freshly minted by the revoked device's key", async () => {
    const token = await pageOk(page, "mintWithHeldKey");
    const response = await pageOk(page, "fetchDirect", SECRET_PATH, token);
    expect(response).toMatchObject({
      status: 401,
      contentType: "application/problem+json",
      body: { code: "token.revoked" },
    });
  });
});
