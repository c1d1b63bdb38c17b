/**
 * The fullstack template's account pages in Chromium, bundled from the template's sources and
 * served next to a real keyship server whose mails are kept: sign up, the security page's
 * recovery codes, an email change confirmed from its link (/confirm-email#token=…), and an
 * emailed recovery link (/recover#token=…) that creates a new passkey on a lost device, and
 * deleting the account.
 */

import type { Page } from "playwright-core";
import { beforeAll, expect, it } from "vitest";
import type { MailMessage } from "../packages/keyship/src/email/mailer.ts";
import { firstHref } from "../packages/keyship/test/email/smtp-capture.ts";
import { mailbox } from "../packages/keyship/test/passwords/helpers.ts";
import { authenticatorCredentials, describeWithBrowser, loseDevice } from "./helpers/browser.ts";
import { useTestPage } from "./helpers/fixture.ts";
import { serveTemplate } from "./helpers/template.ts";

const PAGES = ["/signup", "/signin", "/security", "/recover", "/confirm-email"];

describeWithBrowser("the template's account pages in Chromium", () => {
  const mails = mailbox();
  const t = useTestPage({
    server: {
      settings: { mailer: mails, recoveryEmailEnabled: true },
      routes: (app) => serveTemplate(app, PAGES, { VITE_RECOVERY_EMAIL: "true" }),
    },
  });
  let page: Page;
  let authenticatorId: string;
  const heading = () => page.getByRole("heading", { level: 1 });
  const newEmail = "grace.hopper@example.com";

  /** The link of the newest mail to `to`, once it is sent. */
  const linkTo = async (to: string) => {
    let message: MailMessage | undefined;
    await expect.poll(() => (message = mails.sent.findLast((m) => m.to === to))).toBeDefined();
    return firstHref((message as MailMessage).html);
  };

  beforeAll(() => {
    page = t.page;
    authenticatorId = t.authenticatorId;
  });

  it("signs up, and the security page offers recovery codes until they are made", async () => {
    await page.goto(`${t.origin}/signup`);
    await page.getByLabel("Email").fill("grace@example.com");
    await page.getByLabel("Name").fill("Grace Hopper");
    await page.getByRole("button", { name: "Sign up with a passkey" }).click();
    await expect.poll(() => heading().textContent()).toBe("Hi, Grace Hopper");
    await page.getByRole("link", { name: "Create recovery codes" }).click();
    await page.getByTestId("recovery-offer").waitFor();
    await page.getByRole("button", { name: "Create recovery codes" }).click();
    const codes = page.getByRole("list", { name: "recovery codes" }).getByRole("listitem");
    await expect.poll(() => codes.count()).toBe(10);
    expect(await page.getByTestId("recovery-offer").count()).toBe(0);
  });

  it("changes the email: the link to the new address opens /confirm-email, one click switches", async () => {
    await page.getByLabel("New email").fill(newEmail);
    await page.getByRole("button", { name: "Change email" }).click();
    await page.getByText(`We sent a link to ${newEmail}.`).waitFor();
    const link = await linkTo(newEmail);
    expect(link).toMatch(new RegExp(`^${t.origin}/confirm-email#token=`));

    await page.goto(link);
    await page.getByRole("button", { name: "Confirm my new email" }).click();
    await page.getByText(`Your account now uses ${newEmail}.`).waitFor();
    expect(page.url()).toBe(`${t.origin}/confirm-email`);
    await page.goto(`${t.origin}/security`);
    await expect.poll(() => page.getByTestId("current-email").textContent()).toBe(newEmail);
  });

  it("recovers a lost device from the emailed link with a new passkey", async () => {
    // Lost first: signed out here, the sign-in page's autofill would sign the passkey back in.
    authenticatorId = await loseDevice(page, authenticatorId);
    await page.goto(`${t.origin}/signin`);
    await page.getByRole("link", { name: "Use a recovery code" }).click();
    await page.getByLabel("Email").fill(newEmail);
    await page.getByRole("button", { name: "No codes? Email me a recovery link" }).click();
    await page.getByText(`If ${newEmail} belongs to an account`).waitFor();
    const link = await linkTo(newEmail);
    expect(link).toMatch(new RegExp(`^${t.origin}/recover#token=`));

    await page.goto(link);
    await page.getByRole("button", { name: "Create a new passkey" }).click();
    await expect.poll(() => heading().textContent()).toBe("Passkeys and devices");
    expect(page.url()).toBe(`${t.origin}/security`);
    await page.getByTestId("device").filter({ hasText: "this device" }).waitFor();
    expect(await authenticatorCredentials(page, authenticatorId)).toHaveLength(1);
  });

  it("deletes the account from the security page after a confirmation and a fresh passkey", async () => {
    const users = () =>
      t.server.app.keyship.db
        .selectFrom("users")
        .select("id")
        .where("email", "=", newEmail)
        .execute();
    expect(await users()).toHaveLength(1);
    await page.getByRole("button", { name: "Delete my account" }).click();
    await page.getByRole("button", { name: "Delete it" }).click();
    await expect.poll(() => heading().textContent()).toBe("Welcome back");
    expect(await users()).toHaveLength(0);
  });
});
