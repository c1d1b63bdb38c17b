import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.ts";
import { tempDirIo } from "./env-io.ts";

describe("keyship init", () => {
  it("writes .env with fresh secrets and .env.example without them", async () => {
    const io = await tempDirIo();
    expect(await runCli(["init", "--origin", "http://localhost:5173"], io)).toBe(0);
    const env = parseEnv(await readFile(join(io.cwd, ".env"), "utf8"));
    const example = parseEnv(await readFile(join(io.cwd, ".env.example"), "utf8"));
    expect(env).toMatchObject({
      KEYSHIP_RP_ID: "localhost",
      KEYSHIP_ORIGIN: "http://localhost:5173",
    });
    expect(env.KEYSHIP_SESSION_SECRET).toMatch(/^[\w-]{43}$/);
    expect(Object.keys(example).sort()).toEqual(Object.keys(env).sort());
    expect(example.KEYSHIP_SESSION_SECRET).toBe("");
    expect(example.KEYSHIP_ORIGIN).toBe("http://localhost:5173");
    expect(io.lines.join("\n")).toContain('app.route("/auth", auth.routes);');
  });

  it("refuses to overwrite an existing .env without --force", async () => {
    const io = await tempDirIo();
    await writeFile(join(io.cwd, ".env"), "MINE=1\n");
    expect(await runCli(["init"], io)).toBe(1);
    expect(await readFile(join(io.cwd, ".env"), "utf8")).toBe("MINE=1\n");
    expect(existsSync(join(io.cwd, ".env.example"))).toBe(false);
    expect(io.errors.join("\n")).toMatch(/--force/);
  });

  it("replaces it with --force", async () => {
    const io = await tempDirIo();
    await writeFile(join(io.cwd, ".env"), "MINE=1\n");
    expect(await runCli(["init", "--force"], io)).toBe(0);
    expect(parseEnv(await readFile(join(io.cwd, ".env"), "utf8")).MINE).toBeUndefined();
  });

  it("keeps an existing .env.example unless forced", async () => {
    const io = await tempDirIo();
    await writeFile(join(io.cwd, ".env.example"), "X=\n");
    expect(await runCli(["init"], io)).toBe(0);
    expect(await readFile(join(io.cwd, ".env.example"), "utf8")).toBe("X=\n");
  });

  it("exits 2 on an origin that is not a URL", async () => {
    expect(await runCli(["init", "--origin", "nope"], await tempDirIo())).toBe(2);
  });
});

describe("keyship init --oauth", () => {
  it("adds each preset's variables and prints its callback URL", async () => {
    const io = await tempDirIo();
    const argv = [
      "init",
      "--origin",
      "https://app.example.com",
      "--oauth",
      "github",
      "--oauth",
      "keycloak",
    ];
    expect(await runCli(argv, io)).toBe(0);
    const example = parseEnv(await readFile(join(io.cwd, ".env.example"), "utf8"));
    expect(example).toMatchObject({
      KEYSHIP_OAUTH_GITHUB_CLIENT_ID: "",
      KEYSHIP_OAUTH_GITHUB_CLIENT_SECRET: "",
      KEYSHIP_OAUTH_KEYCLOAK_REALM_URL: "",
      KEYSHIP_OAUTH_KEYCLOAK_CLIENT_ID: "",
    });
    expect(io.lines).toContain(
      "register this callback URL at github: https://app.example.com/auth/oauth/github/callback",
    );
  });

  it("refuses a name that is not a preset", async () => {
    const io = await tempDirIo();
    expect(await runCli(["init", "--oauth", "gitlab"], io)).toBe(2);
    expect(existsSync(join(io.cwd, ".env"))).toBe(false);
  });
});
