/**
 * Issue 22's "Config errors" list, one test per trip: every message names the variable, says
 * what is expected with an example, prints once without a stack trace, and `doctor` ends with
 * a summary and changes nothing.
 */
import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.ts";
import { loadSettings } from "../../src/config/load.ts";
import { SETTINGS } from "../../src/config/schema.ts";
import { KeyshipConfigError } from "../../src/errors.ts";
import { type CapturedIo, tempDirIo } from "../cli/env-io.ts";

const run = promisify(execFile);
const DEMO = fileURLToPath(new URL("../../../../examples/demo/server.ts", import.meta.url));
const SUMMARY = /^(all good|no problems, \d+ warning\(s\)|\d+ problems? to fix, \d+ warning\(s\))$/;

/** The problems loadSettings reports for `env`, or [] when it loads. */
function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadSettings({ env, envFile: false });
    return [];
  } catch (error) {
    if (!(error instanceof KeyshipConfigError)) throw error;
    return error.problems;
  }
}

/** Runs `keyship doctor` in `io.cwd`; returns its exit code and every line in order. */
async function doctor(io: CapturedIo): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await runCli(["doctor"], {
    ...io,
    out: (line) => lines.push(...line.split("\n")),
    err: (line) => lines.push(...line.split("\n")),
  });
  return { code, lines };
}

describe("config errors name the variable, what is expected and an example", () => {
  it("refuses KEYSHIP_ORIGIN=localhost:5173 as not an origin (no TypeError later)", () => {
    const [problem, ...rest] = problemsOf({ KEYSHIP_ORIGIN: "localhost:5173" });
    expect(rest).toEqual([]);
    expect(problem).toMatch(/^KEYSHIP_ORIGIN is not valid: must be an exact http\(s\) origin/);
    expect(problem).toMatch(/https:\/\/app\.example\.com/);
  });

  it("says what a duration looks like for KEYSHIP_ACCESS_TOKEN_TTL=forever", () => {
    expect(problemsOf({ KEYSHIP_ACCESS_TOKEN_TTL: "forever" })).toEqual([
      "KEYSHIP_ACCESS_TOKEN_TTL is not valid: must be seconds or a duration such as 15m, 12h, 30d (30 s to 86400 s).",
    ]);
  });

  // Every setting whose parser refuses this value: none may answer zod's bare "Invalid input."
  const refused = Object.values(SETTINGS)
    .map((spec) => ({ env: spec.env, problems: problemsOf({ [spec.env]: "not valid ☃" }) }))
    .filter(({ problems }) => problems.length > 0);

  it("covers most settings", () => {
    expect(refused.length).toBeGreaterThan(20);
  });

  it.each(refused)("$env: names it, once, with an example", ({ env, problems }) => {
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${env} is not valid: `));
    expect(problems[0]).toMatch(/\be\.g\.|such as/);
    expect(problems[0]).not.toMatch(/Invalid input|received NaN|☃/);
  });
});

describe("keyship doctor", () => {
  it("never suggests an IP address as the RP ID for an IP origin", async () => {
    const io = await tempDirIo({
      KEYSHIP_ORIGIN: "http://127.0.0.1:5173",
      KEYSHIP_DATABASE_URL: "sqlite::memory:",
    });
    const { code, lines } = await doctor(io);
    expect(code).toBe(1);
    const text = lines.join("\n");
    expect(text).not.toMatch(/KEYSHIP_RP_ID=127\.0\.0\.1/);
    expect(text).toContain(
      "fix: open the app on http://localhost:5173 and set KEYSHIP_ORIGIN=http://localhost:5173",
    );
  });

  it("follows its own advice: the suggested settings pass", async () => {
    const io = await tempDirIo({
      KEYSHIP_RP_ID: "localhost",
      KEYSHIP_ORIGIN: "http://localhost:5173",
      KEYSHIP_DATABASE_URL: "sqlite::memory:",
      KEYSHIP_SESSION_SECRET: "x".repeat(43),
    });
    const { code, lines } = await doctor(io);
    expect(code).toBe(0);
    expect(lines.join("\n")).not.toMatch(/FAIL/);
    expect(lines.at(-1)).toMatch(/^(all good|no problems, \d+ warning\(s\))$/);
  });

  it.each([
    ["an origin that is not one", { KEYSHIP_ORIGIN: "localhost:5173" }],
    ["a mysql:// URL", { KEYSHIP_DATABASE_URL: "mysql://root@localhost/app" }],
    ["an IP address RP ID", { KEYSHIP_RP_ID: "127.0.0.1" }],
    ["an unreachable database", { KEYSHIP_DATABASE_URL: "postgres://nobody:pw@127.0.0.1:1/none" }],
    ["a bad route rule", { KEYSHIP_PROTECT: "nonsense" }],
    ["a missing SQLite file", { KEYSHIP_DATABASE_URL: "sqlite:./missing.db" }],
    ["production without settings", { KEYSHIP_ENV: "production" }],
  ])("ends with a summary and changes nothing on %s", async (_what, env) => {
    const io = await tempDirIo(env);
    const before = readdirSync(io.cwd);
    const { lines } = await doctor(io);
    expect(lines.at(-1)).toMatch(SUMMARY);
    expect(lines.filter((line) => SUMMARY.test(line))).toHaveLength(1);
    expect(lines.join("\n")).not.toMatch(/TypeError|\n\s+at /);
    expect(readdirSync(io.cwd)).toEqual(before);
  });

  it("does not say the settings are valid when they are not", async () => {
    const io = await tempDirIo({ KEYSHIP_DATABASE_URL: "mysql://root@localhost/app" });
    const { lines } = await doctor(io);
    expect(lines).not.toContain("  ok    settings are valid (development)");
  });
});

describe("the CLI's own hints work", () => {
  it("runs the keygen hint keyship init prints when .env exists", async () => {
    const io = await tempDirIo();
    await writeFile(join(io.cwd, ".env"), "KEYSHIP_DATABASE_URL=sqlite::memory:\n");
    expect(await runCli(["init"], io)).toBe(1);
    const hints = [...io.errors.join("\n").matchAll(/'keyship ([^']+)'/g)].map((m) => m[1]!);
    expect(hints).toContain("keygen --type secret --dotenv .env");
    for (const hint of hints.filter((h) => h.startsWith("keygen"))) {
      expect(await runCli(hint.split(" "), io), hint).toBe(0);
    }
  });

  it("keygen --dotenv creates a file that does not exist yet, through the real bin", async () => {
    const cwd = await mkdtemp(join(tmpdir(), "keyship-keygen-"));
    const bin = fileURLToPath(new URL("../../bin/keyship.js", import.meta.url));
    await run(process.execPath, [bin, "keygen", "--type", "secret", "--dotenv", "new.env"], {
      cwd,
    });
    expect(readdirSync(cwd)).toEqual(["new.env"]);
  }, 60_000);
});

describe("a production config error at startup", () => {
  it("prints keyship's list once, without a stack trace, and exits 1", async () => {
    const cwd = await mkdtemp(join(tmpdir(), "keyship-prod-"));
    const result = await run(process.execPath, ["--conditions=keyship-source", DEMO], {
      cwd,
      env: { PATH: process.env.PATH ?? "", KEYSHIP_ENV: "production" },
    }).then(
      () => ({ code: 0, stderr: "" }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(result.code).toBe(1);
    expect(result.stderr.match(/keyship cannot start; fix these settings:/g)).toHaveLength(1);
    expect(result.stderr.match(/ {2}- KEYSHIP_RP_ID is not set/g)).toHaveLength(1);
    expect(result.stderr).not.toMatch(/\n\s+at |KeyshipConfigError/);
  }, 60_000);
});
