/**
 * Issue 21, in Chromium against a real keyship server: sign up with a passkey, save recovery
 * codes, lose the device (the browser's storage cleared and the virtual authenticator gone),
 * recover with a code on a fresh authenticator, and sign in again with the new passkey.
 */

import type { Page } from "playwright-core";
import { beforeAll, expect, it } from "vitest";
import {
  authenticatorCredentials,
  describeWithBrowser,
  gotoTestPage,
  loseDevice,
  pageFails,
  pageOk,
} from "./helpers/browser.ts";
import { useTestPage } from "./helpers/fixture.ts";
import { SECRET_PATH } from "./helpers/server.ts";

describeWithBrowser("account recovery in Chromium", () => {
  const t = useTestPage();
  let page: Page;
  let authenticatorId: string;
  const email = "grace@example.com";
  const account = { userId: "", passkeyId: "", codes: [] as readonly string[], oldToken: "" };

  beforeAll(() => {
    page = t.page;
    authenticatorId = t.authenticatorId;
  });

  it("signs up with a passkey and saves ten recovery codes (after the SDK's step-up)", async () => {
    const signIn = await pageOk(page, "register", { email, displayName: "Grace Hopper" });
    account.userId = signIn.userId;
    account.passkeyId = signIn.passkeyId;
    const { codes } = await pageOk(page, "createRecoveryCodes");
    expect(codes).toHaveLength(10);
    account.codes = codes;
    expect(await pageOk(page, "recoveryCodesLeft")).toMatchObject({ remaining: 10 });
    // A token of this device, kept outside the browser, to see it refused after recovery.
    await pageOk(page, "holdDeviceKey");
    account.oldToken = await pageOk(page, "mintWithHeldKey");
    expect((await pageOk(page, "fetchDirect", SECRET_PATH, account.oldToken)).status).toBe(200);
  });

  it("loses the device: storage cleared, authenticator replaced, signed out", async () => {
    authenticatorId = await loseDevice(page, authenticatorId);
    await gotoTestPage(page, t.origin);
    expect(await pageOk(page, "isSignedIn")).toBe(false);
    expect(await authenticatorCredentials(page, authenticatorId)).toEqual([]);
  });

  it("recovers with a code: a new passkey on the fresh authenticator, this browser signed in", async () => {
    const recovered = await pageOk(page, "recoverAccount", email, account.codes[0] as string);
    expect(recovered.userId).toBe(account.userId);
    expect(recovered.passkeyId).not.toBe(account.passkeyId);
    expect(await authenticatorCredentials(page, authenticatorId)).toHaveLength(1);
    expect(await pageOk(page, "me")).toMatchObject({ id: account.userId, email });
    expect(await pageOk(page, "recoveryCodesLeft")).toMatchObject({ remaining: 9 });
    const old = await pageOk(page, "fetchDirect", SECRET_PATH, account.oldToken);
    expect(old.status).toBe(401);
  });

  it("refuses the spent code, and a wrong one, alike", async () => {
    const spent = await pageFails(page, "recoverAccount", email, account.codes[0] as string);
    const wrong = await pageFails(
      page,
      "recoverAccount",
      "nobody@example.com",
      "0000-0000-0000-0000",
    );
    expect(spent).toMatchObject({ code: "recovery.code_invalid", status: 401 });
    expect(wrong).toMatchObject({ code: "recovery.code_invalid", status: 401 });
  });

  it("signs in again with the new passkey after signing out", async () => {
    await pageOk(page, "logout");
    await gotoTestPage(page, t.origin);
    expect(await pageOk(page, "isSignedIn")).toBe(false);
    const signIn = await pageOk(page, "login");
    expect(signIn.userId).toBe(account.userId);
    expect((await pageOk(page, "fetchWithClient", SECRET_PATH)).status).toBe(200);
  });
});
