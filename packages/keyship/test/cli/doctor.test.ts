import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.ts";
import { tempDirIo } from "./env-io.ts";

describe("keyship doctor", () => {
  it("passes a fresh init (the database file comes at the server's first start: a warning)", async () => {
    const io = await tempDirIo();
    expect(await runCli(["init", "--database", `sqlite:${join(io.cwd, "k.db")}`], io)).toBe(0);
    expect(await runCli(["doctor"], io)).toBe(0);
    const out = io.lines.join("\n");
    expect(out).toMatch(/ok +origin http:\/\/localhost:8787 matches RP ID 'localhost'/);
    expect(out).toMatch(
      /database file \S+k\.db does not exist yet; the server creates it at startup/,
    );
  });

  it("reports migrations up to date after keyship migrate", async () => {
    const io = await tempDirIo();
    await runCli(["init", "--database", `sqlite:${join(io.cwd, "k.db")}`], io);
    expect(await runCli(["migrate"], io)).toBe(0);
    expect(await runCli(["doctor"], io)).toBe(0);
    expect(io.lines.join("\n")).toMatch(/migrations are up to date/);
  });

  it("fails when an origin is not on the RP ID, and says what to set", async () => {
    const io = await tempDirIo({
      KEYSHIP_RP_ID: "example.com",
      KEYSHIP_ORIGIN: "https://app.other.org",
      KEYSHIP_DATABASE_URL: "sqlite::memory:",
    });
    expect(await runCli(["doctor"], io)).toBe(1);
    expect(io.errors.join("\n")).toMatch(
      /origin https:\/\/app\.other\.org is not on KEYSHIP_RP_ID 'example\.com'[\s\S]*fix: /,
    );
  });

  it("fails on pending migrations when auto-migration is off", async () => {
    const io = await tempDirIo({ KEYSHIP_AUTO_MIGRATE: "false" });
    await writeFile(join(io.cwd, ".env"), "KEYSHIP_DATABASE_URL=sqlite::memory:\n");
    expect(await runCli(["doctor"], io)).toBe(1);
    expect(io.errors.join("\n")).toMatch(/fix: npx keyship migrate/);
  });

  it("lists invalid settings and exits 1", async () => {
    const io = await tempDirIo({
      KEYSHIP_PORT: "not-a-port",
      KEYSHIP_DATABASE_URL: "sqlite::memory:",
    });
    expect(await runCli(["doctor"], io)).toBe(1);
    expect(io.errors.join("\n")).toMatch(/KEYSHIP_PORT/);
  });

  it("fails on an unreachable database", async () => {
    const io = await tempDirIo({ KEYSHIP_DATABASE_URL: "postgres://nobody:pw@127.0.0.1:1/none" });
    expect(await runCli(["doctor"], io)).toBe(1);
    expect(io.errors.join("\n")).toMatch(/cannot reach the database postgres:\/\/nobody:\*\*\*@/);
  });
});

describe("keyship doctor on bad database settings", () => {
  it("fails a database URL of another kind in the settings, with the expected form and a summary", async () => {
    const io = await tempDirIo({ KEYSHIP_DATABASE_URL: "mysql://root@localhost/app" });
    expect(await runCli(["doctor"], io)).toBe(1);
    const errors = io.errors.join("\n");
    expect(errors).toMatch(
      /KEYSHIP_DATABASE_URL is not valid: must start with sqlite: or postgres:\/\//,
    );
    expect(errors).toMatch(/1 problem to fix/);
    expect(io.lines.join("\n")).not.toMatch(/settings are valid/);
  });

  it("changes nothing: a SQLite file that does not exist is reported, not created", async () => {
    const { existsSync } = await import("node:fs");
    const io = await tempDirIo({ KEYSHIP_DATABASE_URL: "sqlite:./missing.db" });
    expect(await runCli(["doctor"], io)).toBe(0);
    expect(io.lines.join("\n")).toMatch(/database file \.\/missing\.db does not exist yet/);
    expect(existsSync(join(io.cwd, "missing.db"))).toBe(false);
  });

  it("opens the same relative SQLite file as keyship migrate: the command's directory, not the process's", async () => {
    const { existsSync } = await import("node:fs");
    const io = await tempDirIo({ KEYSHIP_DATABASE_URL: "sqlite:./app.db" });
    expect(io.cwd).not.toBe(process.cwd());
    expect(await runCli(["migrate"], io)).toBe(0);
    expect(existsSync(join(io.cwd, "app.db"))).toBe(true);
    expect(existsSync(join(process.cwd(), "app.db"))).toBe(false);
    expect(await runCli(["doctor"], io)).toBe(0);
    const out = io.lines.join("\n");
    expect(out).toMatch(/migrations are up to date \(\d+\)/);
    expect(out).not.toMatch(/does not exist yet/);
  });
});
