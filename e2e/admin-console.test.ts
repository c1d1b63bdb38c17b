/**
 * The admin console in Chromium against a real keyship server: an admin (the first account)
 * signs in at /admin with the passkey she registered on the app's page, finds a user, and
 * disables her through the confirmation dialog and the step-up prompt; her next API call is
 * refused; the audit log shows both events and its CSV export holds them. On a user's page she
 * edits the app-defined fields (a bad value is refused, naming the field) and deletes a user.
 *
 * `KEYSHIP_UPDATE_SCREENSHOTS=1` rewrites docs/images/admin-*.png (1280×800); other runs write
 * the git-ignored `*.tmp.png` beside them.
 */

import { readFile } from "node:fs/promises";
import type { Page } from "playwright-core";
import { beforeAll, expect, it } from "vitest";
import { z } from "zod";
import { SoftwareAuthenticator } from "../packages/keyship/test/helpers/authenticator.ts";
import {
  loginAccount,
  registerAccount,
  type TestAccount,
} from "../packages/keyship/test/helpers/passkeys.ts";
import {
  describeWithBrowser,
  gotoTestPage,
  openTestPage,
  pageOk,
  saveDocsScreenshot,
  withVirtualAuthenticator,
} from "./helpers/browser.ts";
import { useTestPage } from "./helpers/fixture.ts";
import { SECRET_PATH } from "./helpers/server.ts";

/** The people of the screenshots; the first of them is the one the admin disables. */
const PEOPLE = [
  { email: "grace@example.com", displayName: "Grace Hopper" },
  { email: "alan@example.com", displayName: "Alan Turing" },
  { email: "katherine@example.com", displayName: "Katherine Johnson" },
  { email: "edsger@example.com", displayName: "Edsger Dijkstra" },
];

/** The app's own user fields: the console draws a form from their JSON Schema. */
const USER_FIELDS = z.object({
  company: z.string().max(100).optional(),
  plan: z.enum(["free", "pro"]).optional(),
  organizationId: z
    .string()
    .regex(/^org_[a-z0-9]+$/)
    .optional(),
});

describeWithBrowser("the admin console in Chromium", () => {
  const t = useTestPage({
    server: {
      settings: {
        firstUserIsAdmin: true,
        user: { fields: USER_FIELDS, adminOnly: ["organizationId"] },
      },
    },
    viewport: { width: 1280, height: 800 },
  });
  let page: Page;
  let grace: TestAccount;
  let edsger: TestAccount;
  const violations: string[] = [];

  /** The console's `<main>` once the page `name` has been drawn. */
  const ready = (name: string) =>
    page.locator(`main[data-page="${name}"][data-state="ready"]`).waitFor();
  const shoot = (name: string) => saveDocsScreenshot(page, name, { fullPage: false });
  const secretAs = async (account: TestAccount) =>
    fetch(`${t.origin}${SECRET_PATH}`, { headers: await account.auth() });

  beforeAll(async () => {
    page = t.page;
    page.on("console", (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text()))
        violations.push(message.text());
    });
    // The first account, made on the app's own page: an admin (firstUserIsAdmin).
    await pageOk(page, "register", { email: "ada@example.com", displayName: "Ada Lovelace" });
    // The others sign up from Node with a software authenticator, as another browser would.
    const authenticators = PEOPLE.map(() => new SoftwareAuthenticator({ origin: t.origin }));
    const accounts: TestAccount[] = [];
    for (const [i, person] of PEOPLE.entries()) {
      accounts.push(await registerAccount(t.server.app, authenticators[i]!, person));
    }
    grace = accounts[0]!;
    edsger = accounts[3]!;
    // A failed sign-in (a forged signature), so that the overview has a failure to show.
    await expect(
      loginAccount(t.server.app, authenticators[1]!, { tamperSignature: true }),
    ).rejects.toThrow();
  });

  it("signs the admin in with her passkey and shows the overview", async () => {
    await page.goto(`${t.origin}/admin`);
    await page.getByRole("button", { name: "Sign in with a passkey" }).click();
    await ready("overview");
    const users = page.locator(".stat", { hasText: "Users" }).locator(".stat-value");
    expect(await users.textContent()).toBe(String(PEOPLE.length + 1));
    await shoot("admin-overview");
  });

  it("finds the user with the search", async () => {
    await page.getByRole("link", { name: "Users", exact: true }).click();
    await ready("users");
    expect(await page.locator("tbody tr").count()).toBe(PEOPLE.length + 1);
    await shoot("admin-users");

    await page.getByLabel("Search").fill("grace");
    await page.getByRole("button", { name: "Search" }).click();
    await page.waitForURL(/#\/users\?q=grace$/);
    await ready("users");
    expect(await page.locator("tbody tr").count()).toBe(1);
    await page.getByRole("link", { name: "Grace Hopper" }).click();
    await ready("user");
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Grace Hopper");
    await shoot("admin-user");
  });

  it("asks before disabling, and Esc cancels", async () => {
    await page.getByRole("button", { name: "Disable account" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    expect(await dialog.getByRole("heading").textContent()).toBe("Disable Grace Hopper?");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    expect((await secretAs(grace)).status).toBe(200);
  });

  it("disables the user after the step-up, and her next API call fails", async () => {
    expect((await secretAs(grace)).status).toBe(200);
    await page.getByRole("button", { name: "Disable account" }).click();
    // The server asks for a step-up; the SDK runs the passkey prompt, which the virtual
    // authenticator answers.
    await page.getByRole("dialog").getByRole("button", { name: "Disable account" }).click();
    await page.locator(".notice", { hasText: "Grace Hopper is disabled." }).waitFor();
    await page.getByRole("button", { name: "Enable account" }).waitFor();

    const refused = await secretAs(grace);
    expect(refused.status).toBe(401);
    expect(refused.headers.get("content-type")).toContain("application/problem+json");
  });

  it("shows both events in the audit log", async () => {
    await page.getByRole("link", { name: "Audit log", exact: true }).click();
    await ready("audit");
    const row = (action: string) =>
      page.locator("tbody tr", { has: page.locator(`code.action:text-is("${action}")`) });
    await expect.poll(() => row("user.disabled").count()).toBe(1);
    // Both rows name Grace (a link to her page): the disabling, and her own sign-up.
    const aboutGrace = page.locator(`a[href="#/users/${grace.userId}"]`);
    expect(await row("user.disabled").locator(aboutGrace).count()).toBe(1);
    expect(await row("user.signed_up").filter({ has: aboutGrace }).count()).toBe(1);
    expect(await row("user.signed_up").count()).toBe(PEOPLE.length + 1);
    await shoot("admin-audit");
  });

  it("exports the events as a CSV download", async () => {
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export CSV" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const csv = await readFile(await download.path(), "utf8");
    const lines = csv.split("\r\n");
    expect(lines[0]).toMatch(/^id,at,action,outcome,actorId/);
    const about = (action: string) =>
      lines.filter((line) => line.includes(`,${action},`) && line.includes(grace.userId));
    expect(about("user.disabled")).toHaveLength(1);
    expect(about("user.signed_up")).toHaveLength(1);
  });

  it("edits the user's fields, showing the server's refusal beside the field", async () => {
    const fieldsOf = async (userId: string) => {
      const row = await t.server.app.keyship.db
        .selectFrom("users")
        .select("fields")
        .where("id", "=", userId)
        .executeTakeFirstOrThrow();
      return JSON.parse(row.fields) as Record<string, unknown>;
    };
    await page.goto(`${t.origin}/admin#/users/${grace.userId}`);
    await ready("user");
    const profile = page.getByRole("form", { name: "Profile" });
    await profile.getByLabel("company").fill("US Navy");
    await profile.getByLabel("plan").selectOption("pro");
    await profile.getByLabel("organizationId").fill("ORG-7");
    await profile.getByRole("button", { name: "Save profile" }).click();
    await page.locator('.notice[data-tone="bad"]', { hasText: "organizationId" }).waitFor();
    expect(await profile.getByLabel("organizationId").getAttribute("aria-invalid")).toBe("true");
    expect(await fieldsOf(grace.userId)).toEqual({});

    await profile.getByLabel("organizationId").fill("org_7");
    await profile.getByRole("button", { name: "Save profile" }).click();
    await page.locator(".notice", { hasText: "Profile saved." }).waitFor();
    await ready("user");
    expect(await profile.getByLabel("organizationId").inputValue()).toBe("org_7");
    expect(await fieldsOf(grace.userId)).toEqual({
      company: "US Navy",
      plan: "pro",
      organizationId: "org_7",
    });
  });

  it("deletes a user after the confirmation, and returns to the users list", async () => {
    expect((await secretAs(edsger)).status).toBe(200);
    await page.goto(`${t.origin}/admin#/users/${edsger.userId}`);
    await ready("user");
    await page.getByRole("button", { name: "Delete user" }).click();
    const dialog = page.getByRole("dialog");
    expect(await dialog.getByRole("heading").textContent()).toBe("Delete Edsger Dijkstra?");
    await dialog.getByRole("button", { name: "Delete user" }).click();
    await page.locator(".notice", { hasText: "Edsger Dijkstra is deleted." }).waitFor();
    expect(page.url()).toMatch(/#\/users$/);
    await ready("users");
    expect(await page.locator("tbody tr").count()).toBe(PEOPLE.length);
    expect((await secretAs(edsger)).status).toBe(401);
  });

  it("refuses a user who is not an admin, and leaves the app's own sign-in alone", async () => {
    const other = await openTestPage(t.browser, t.origin);
    await withVirtualAuthenticator(other);
    await pageOk(other, "register", { email: "mallory@example.com", displayName: "Mallory" });
    await other.goto(`${t.origin}/admin`);
    await other.getByRole("button", { name: "Sign in with a passkey" }).click();
    await other.getByRole("status").filter({ hasText: "Admins only" }).waitFor();
    expect(await other.locator("main[data-page]").count()).toBe(0);
    // The console signed its own device out; the app's device key (another record) stays.
    await gotoTestPage(other, t.origin);
    expect(await pageOk(other, "isSignedIn")).toBe(true);
    await other.context().close();
  });

  it("ran without a CSP violation", () => {
    expect(violations).toEqual([]);
  });
});
