/**
 * Issues 4 and 14, in Chromium against a real keyship server: register a passkey, stay signed
 * in across a reload, log in with it, be refused a sensitive action with a token copied out of
 * the browser, step up through the passkey prompt, add a second passkey, revoke the first,
 * and be refused when revoking the last.
 */

import type { Page } from "playwright-core";
import { beforeAll, expect, it } from "vitest";
import {
  authenticatorCredentials,
  describeWithBrowser,
  gotoTestPage,
  pageFails,
  pageOk,
  removeVirtualAuthenticator,
  replaceVirtualAuthenticator,
  saveDocsScreenshot,
  type VirtualCredential,
  withVirtualAuthenticatorHolding,
} from "./helpers/browser.ts";
import { useTestPage } from "./helpers/fixture.ts";

describeWithBrowser("passkeys in Chromium", () => {
  const t = useTestPage();
  let page: Page;
  let authenticatorId: string;
  /** The first authenticator's credentials, kept to try the first passkey once revoked. */
  let firstCredentials: VirtualCredential[] = [];
  const account = { userId: "", firstPasskeyId: "", secondPasskeyId: "" };

  beforeAll(() => {
    page = t.page;
    authenticatorId = t.authenticatorId;
  });

  it("registers a new account with a passkey and signs the browser in", async () => {
    const signIn = await pageOk(page, "register", {
      email: "ada@example.com",
      displayName: "Ada Lovelace",
    });
    expect(signIn).toEqual({
      userId: expect.any(String),
      passkeyId: expect.any(String),
      deviceId: expect.any(String),
    });
    account.userId = signIn.userId;
    account.firstPasskeyId = signIn.passkeyId;

    const me = await pageOk(page, "me");
    expect(me).toMatchObject({
      id: signIn.userId,
      email: "ada@example.com",
      displayName: "Ada Lovelace",
      deviceId: signIn.deviceId,
    });
  });

  it("is still signed in after a reload", async () => {
    await gotoTestPage(page, t.origin);
    expect(await pageOk(page, "isSignedIn")).toBe(true);
    expect((await pageOk(page, "me")).id).toBe(account.userId);
  });

  it("logs in with the passkey on a new device", async () => {
    const before = await pageOk(page, "me");
    const signIn = await pageOk(page, "login");
    expect(signIn.userId).toBe(account.userId);
    expect(signIn.passkeyId).toBe(account.firstPasskeyId);
    expect(signIn.deviceId).not.toBe(before.deviceId);
    expect((await pageOk(page, "me")).deviceId).toBe(signIn.deviceId);
  });

  it("refuses to add a passkey with a token copied out of the browser", async () => {
    // The attacker's copy: a valid token of this device, minted outside the SDK.
    await pageOk(page, "holdDeviceKey");
    const stolen = await pageOk(page, "mintWithHeldKey");
    const answer = await pageOk(page, "postDirect", "/auth/passkey/add/start", stolen, {});
    expect(answer.status).toBe(401);
    expect(answer.contentType).toContain("application/problem+json");
    expect(answer.body).toMatchObject({
      code: "auth.step_up_required",
      step_up: { start: "/auth/step-up/start", finish: "/auth/step-up/finish" },
    });
    expect(await pageOk(page, "listPasskeys")).toHaveLength(1);
  });

  it("renames the passkey after the SDK runs the step-up prompt on its own", async () => {
    const signCount = async () =>
      (await authenticatorCredentials(page, authenticatorId))[0]?.signCount ?? -1;
    const before = await signCount();
    await pageOk(page, "renamePasskey", account.firstPasskeyId, "Laptop");
    // The authenticator signed one more assertion: the step-up prompt was answered.
    expect(await signCount()).toBe(before + 1);
    const passkeys = await pageOk(page, "listPasskeys");
    expect(passkeys.find((p) => p.id === account.firstPasskeyId)?.name).toBe("Laptop");
  });

  it("adds a second passkey from a fresh authenticator", async () => {
    // The first authenticator holds a credential listed in excludeCredentials: it would refuse.
    firstCredentials = await authenticatorCredentials(page, authenticatorId);
    authenticatorId = await replaceVirtualAuthenticator(page, authenticatorId);
    const { passkeyId } = await pageOk(page, "addPasskey", { name: "Backup key" });
    expect(passkeyId).not.toBe(account.firstPasskeyId);
    account.secondPasskeyId = passkeyId;

    const passkeys = await pageOk(page, "listPasskeys");
    expect(passkeys.map((p) => [p.id, p.revokedAt])).toEqual(
      expect.arrayContaining([
        [account.firstPasskeyId, null],
        [passkeyId, null],
      ]),
    );
    expect(passkeys).toHaveLength(2);
    expect(passkeys.find((p) => p.id === passkeyId)?.name).toBe("Backup key");
  });

  it("revokes the first passkey", async () => {
    await pageOk(page, "revokePasskey", account.firstPasskeyId);
    const passkeys = await pageOk(page, "listPasskeys");
    expect(passkeys.find((p) => p.id === account.firstPasskeyId)?.revokedAt).toEqual(
      expect.any(String),
    );
    expect(passkeys.find((p) => p.id === account.secondPasskeyId)?.revokedAt).toBeNull();
  });

  it("refuses to log in with the revoked passkey", async () => {
    const secondCredentials = await authenticatorCredentials(page, authenticatorId);
    await removeVirtualAuthenticator(page, authenticatorId);
    const revokedHolder = await withVirtualAuthenticatorHolding(page, firstCredentials);
    const error = await pageFails(page, "login");
    await removeVirtualAuthenticator(page, revokedHolder);
    authenticatorId = await withVirtualAuthenticatorHolding(page, secondCredentials);
    // A revoked passkey reads as unknown: the answer does not tell revoked from never-seen.
    expect(error).toMatchObject({ code: "passkey.unknown_credential", status: 401 });
  });

  it("logs in with the second passkey", async () => {
    const signIn = await pageOk(page, "login");
    expect(signIn).toMatchObject({ userId: account.userId, passkeyId: account.secondPasskeyId });
  });

  it("refuses to revoke the last passkey with 409 passkey.last_passkey", async () => {
    const error = await pageFails(page, "revokePasskey", account.secondPasskeyId);
    expect(error).toMatchObject({ code: "passkey.last_passkey", status: 409 });
    const passkeys = await pageOk(page, "listPasskeys");
    expect(passkeys.find((p) => p.id === account.secondPasskeyId)?.revokedAt).toBeNull();
  });

  it("shows the signed-in user on the page", async () => {
    expect(await pageOk(page, "render")).toBe(account.userId);
    const view = page.locator("#view");
    expect(await view.getAttribute("data-state")).toBe("signed-in");
    expect(await view.locator("code.value").first().textContent()).toBe(account.userId);
    await saveDocsScreenshot(page, "e2e-signed-in");
  });
});
