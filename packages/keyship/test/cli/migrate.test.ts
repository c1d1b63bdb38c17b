import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CliIo } from "../../src/cli/io.ts";
import { runCli } from "../../src/cli/main.ts";
import { dialects, type TestDatabase } from "../helpers/databases.ts";

function captureIo(
  env: Record<string, string> = {},
): CliIo & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return {
    lines,
    errors,
    out: (l) => lines.push(l),
    err: (l) => errors.push(l),
    env,
    cwd: "/nonexistent",
  };
}

describe.each(dialects.filter((d) => d.name === "postgres"))(
  "keyship migrate on $name",
  (dialect) => {
    let target: TestDatabase;
    beforeAll(async () => {
      target = await dialect.create();
    });
    afterAll(() => target.drop());

    it("lists pending migrations, applies them, then reports up to date", async () => {
      const io = captureIo({ KEYSHIP_DATABASE_URL: target.url });
      expect(await runCli(["migrate", "status"], io)).toBe(0);
      expect(io.lines.some((l) => l.includes("pending") && l.includes("0001-users"))).toBe(true);
      expect(await runCli(["migrate"], io)).toBe(0);
      expect(io.lines).toContain("  applied  0001-users");
      expect(await runCli(["migrate"], io)).toBe(0);
      expect(io.lines.at(-1)).toBe("already up to date");
      expect(await runCli(["migrate", "status"], io)).toBe(0);
      expect(io.lines.at(-1)).toBe("up to date");
    });
  },
);

describe("keyship CLI", () => {
  it("applies migrations to a SQLite file given with --database", async () => {
    const io = captureIo();
    expect(await runCli(["migrate", "--database", "sqlite::memory:"], io)).toBe(0);
    expect(io.lines.at(-1)).toMatch(/^done: \d+ applied$/);
  });

  it("answers an unknown command with usage and exit code 2", async () => {
    const io = captureIo();
    expect(await runCli(["frobnicate"], io)).toBe(2);
    expect(io.errors.join("\n")).toMatch(/unknown command 'frobnicate'[\s\S]*Usage:/);
  });

  it("explains an unreachable database with exit code 1", async () => {
    const io = captureIo();
    expect(await runCli(["migrate", "--database", "postgres://postgres@127.0.0.1:1/x"], io)).toBe(
      1,
    );
    expect(io.errors.join("\n")).toMatch(/cannot reach the database/);
  });

  it("runs as a real process", async () => {
    const main = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--conditions=keyship-source", main, "migrate", "--database", "sqlite::memory:"],
      { env: { PATH: process.env.PATH ?? "" } },
    );
    expect(stdout).toMatch(/done: \d+ applied/);
  });
});
