/**
 * The admin console ships prebuilt (`assets/admin/console.js`): building `admin-ui/` again must
 * give exactly the committed file, so the sources and what the package serves never drift.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildConsoleScript, CONSOLE_SCRIPT } from "../../admin-ui/build.ts";

describe("the admin console bundle", () => {
  it("is what admin-ui/ builds to (run `npm run build:admin -w keyship` after a change)", async () => {
    const built = await buildConsoleScript();
    const committed = readFileSync(CONSOLE_SCRIPT, "utf8");
    // A plain boolean first: a diff of two 80 kB strings says nothing a rebuild would not fix.
    expect(
      built === committed,
      "assets/admin/console.js is stale: npm run build:admin -w keyship",
    ).toBe(true);
  });

  it("never writes HTML from strings or evaluates code", () => {
    const committed = readFileSync(CONSOLE_SCRIPT, "utf8");
    for (const pattern of [
      /\.innerHTML\b/,
      /\.outerHTML\b/,
      /insertAdjacentHTML/,
      /\beval\(/,
      /new Function\(/,
    ]) {
      expect(committed).not.toMatch(pattern);
    }
  });
});
