/**
 * The `keyship` bin (bin/keyship.js): in a checkout after `npm ci`, with no build, it runs the
 * TypeScript sources; a Node too old for them is told what to do.
 */
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const BIN = fileURLToPath(new URL("../../bin/keyship.js", import.meta.url));
const PACKAGE = fileURLToPath(new URL("../../package.json", import.meta.url));
const LOCK = fileURLToPath(new URL("../../../../package-lock.json", import.meta.url));
const hasBuild = existsSync(fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url)));

async function keyshipBin(args: string[], nodeVersion?: string) {
  const fake =
    nodeVersion === undefined
      ? []
      : [
          "--import",
          `data:text/javascript,${encodeURIComponent(
            `Object.defineProperty(process, "versions", { value: { ...process.versions, node: "${nodeVersion}" } });`,
          )}`,
        ];
  return run(process.execPath, [...fake, BIN, ...args], { cwd: "/" }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

describe("the keyship bin", () => {
  it("is what package.json and the lockfile link as `keyship`", () => {
    const pkg = JSON.parse(readFileSync(PACKAGE, "utf8"));
    expect(pkg.bin).toEqual({ keyship: "./bin/keyship.js" });
    expect(pkg.files).toContain("bin");
    const lock = JSON.parse(readFileSync(LOCK, "utf8"));
    expect(lock.packages["packages/keyship"].bin).toEqual({ keyship: "bin/keyship.js" });
  });

  it("runs the CLI with its arguments and exit code", async () => {
    const help = await keyshipBin(["help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^keyship — passkeys-first auth/);
    const wrong = await keyshipBin(["frobnicate"]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/unknown command 'frobnicate'/);
  }, 60_000);

  it.skipIf(hasBuild)("tells a Node too old for the unbuilt sources what to do", async () => {
    const old = await keyshipBin(["help"], "22.16.0");
    expect(old.code).toBe(1);
    expect(old.stderr).toMatch(/this checkout is not built, and Node\.js 22\.16\.0 cannot run/);
  });
});
