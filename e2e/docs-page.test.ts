/**
 * Issue 14, in Chromium: keyship's own HTML page (`/docs`) renders under its CSP
 * (scripts from our origin only, no framing), and the browser reports no violation.
 */

import { expect, it } from "vitest";
import { describeWithBrowser } from "./helpers/browser.ts";
import { useTestPage } from "./helpers/fixture.ts";

describeWithBrowser("the API docs page in Chromium", () => {
  const t = useTestPage();

  it("renders Swagger UI with its CSP and no violation", async () => {
    const page = await t.browser.newPage();
    const violations: string[] = [];
    page.on("console", (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) {
        violations.push(message.text());
      }
    });
    const response = await page.goto(`${t.origin}/docs`);
    expect(response?.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
    // Swagger UI fetched /openapi.json and drew the operations.
    await page.locator(".opblock").first().waitFor();
    expect(await page.locator(".opblock").count()).toBeGreaterThan(20);
    expect(violations).toEqual([]);
    await page.close();
  });

  it("cannot be framed by another page", async () => {
    const page = await t.browser.newPage();
    await page.setContent(`<iframe id="f" src="${t.origin}/docs"></iframe>`);
    await page.locator("#f").waitFor({ state: "attached" });
    await page.waitForLoadState("load");
    const child = page.frames().filter((f) => f !== page.mainFrame());
    expect(child).toHaveLength(1);
    // Chromium replaces a refused frame with its error page instead of loading /docs.
    expect(child[0]?.url()).toMatch(/^chrome-error:/);
    await page.close();
  });
});
