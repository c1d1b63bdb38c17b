import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CreateError, generateProject, titleOf, validateName } from "../src/index.ts";
import { type CreateIo, runCreate } from "../src/main.ts";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "create-keyship-"));
});
afterEach(() => rm(root, { recursive: true, force: true }));

function captureIo(): CreateIo & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return {
    lines,
    errors,
    out: (l) => lines.push(l),
    err: (l) => errors.push(l),
    env: {},
    cwd: root,
    isInteractive: false,
    prompter: () => {
      throw new Error("must not ask");
    },
  };
}

async function json(path: string): Promise<Record<string, Record<string, string>>> {
  return JSON.parse(await readFile(path, "utf8"));
}

describe("generateProject (fullstack)", () => {
  it("writes api/ and web/ with the names substituted", async () => {
    const project = await generateProject({ directory: join(root, "my-app") });
    for (const file of [
      "package.json",
      "README.md",
      ".gitignore",
      "scripts/dev.mjs",
      "api/package.json",
      "api/src/app.ts",
      "api/src/server.ts",
      "api/test/app.test.ts",
      "api/test/web.test.ts",
      "api/.env",
      "api/.env.example",
      "web/package.json",
      "web/vite.config.ts",
      "web/index.html",
      "web/src/App.tsx",
      "web/src/pages/SignUp.tsx",
      "web/src/pages/SignIn.tsx",
      "web/src/pages/Home.tsx",
      "web/src/pages/Security.tsx",
      "web/src/pages/Admin.tsx",
    ]) {
      expect(project.files, file).toContain(file);
    }
    expect(project.files).not.toContain("gitignore");
    expect((await json(join(root, "my-app/package.json"))).name).toBe("my-app");
    expect((await json(join(root, "my-app/api/package.json"))).name).toBe("my-app-api");
    expect((await json(join(root, "my-app/web/package.json"))).name).toBe("my-app-web");
    expect(await readFile(join(root, "my-app/web/index.html"), "utf8")).toContain(
      "<title>My App</title>",
    );
    const readme = await readFile(join(root, "my-app/README.md"), "utf8");
    expect(readme.split("\n").slice(0, 5).join("\n")).toMatch(/npm run dev[\s\S]*npm test/);
    for (const file of project.files) {
      expect(await readFile(join(project.directory, file), "utf8"), file).not.toMatch(
        /\{\{\w+\}\}/,
      );
    }
  });

  it("writes a fresh secret to .env and none to .env.example", async () => {
    await generateProject({ directory: join(root, "a") });
    await generateProject({ directory: join(root, "b") });
    const envA = parseEnv(await readFile(join(root, "a/api/.env"), "utf8"));
    const envB = parseEnv(await readFile(join(root, "b/api/.env"), "utf8"));
    const example = parseEnv(await readFile(join(root, "a/api/.env.example"), "utf8"));
    expect(envA.KEYSHIP_SESSION_SECRET).toMatch(/^[\w-]{43}$/);
    expect(envA.KEYSHIP_SESSION_SECRET).not.toBe(envB.KEYSHIP_SESSION_SECRET);
    expect(envA.KEYSHIP_ORIGIN).toBe("http://localhost:5173");
    expect(example.KEYSHIP_SESSION_SECRET).toBe("");
  });

  it("turns passwords on in both halves", async () => {
    await generateProject({ directory: join(root, "p"), passwords: true });
    expect(
      parseEnv(await readFile(join(root, "p/api/.env"), "utf8")).KEYSHIP_PASSWORD_AUTH_ENABLED,
    ).toBe("true");
    expect(parseEnv(await readFile(join(root, "p/web/.env"), "utf8")).VITE_PASSWORDS).toBe("true");
  });

  it("points the dependencies at local tarballs", async () => {
    const packages = join(root, "packages");
    await mkdir(packages);
    await writeFile(join(packages, "keyship-0.1.0.tgz"), "");
    await writeFile(join(packages, "keyship-client-0.1.0.tgz"), "");
    await generateProject({ directory: join(root, "l"), localPackages: packages });
    expect((await json(join(root, "l/api/package.json"))).dependencies?.keyship).toBe(
      `file:${join(packages, "keyship-0.1.0.tgz")}`,
    );
    expect((await json(join(root, "l/web/package.json"))).dependencies?.["@keyship/client"]).toBe(
      `file:${join(packages, "keyship-client-0.1.0.tgz")}`,
    );
  });

  it("refuses a directory without the tarballs", async () => {
    await expect(
      generateProject({ directory: join(root, "x"), localPackages: join(root, "none") }),
    ).rejects.toBeInstanceOf(CreateError);
  });
});

describe("generateProject (api)", () => {
  it("writes the API alone at the root", async () => {
    const project = await generateProject({ directory: join(root, "svc"), template: "api" });
    expect(project.files).toEqual(
      expect.arrayContaining(["package.json", "src/app.ts", "test/app.test.ts", ".env"]),
    );
    expect(project.files.some((f) => f.startsWith("web/"))).toBe(false);
    expect((await json(join(root, "svc/package.json"))).name).toBe("svc");
    expect(parseEnv(await readFile(join(root, "svc/.env"), "utf8")).KEYSHIP_ORIGIN).toBe(
      "http://localhost:8787",
    );
  });
});

describe("refusing to overwrite", () => {
  it("refuses a non-empty directory", async () => {
    await mkdir(join(root, "busy"));
    await writeFile(join(root, "busy/notes.txt"), "mine");
    await expect(generateProject({ directory: join(root, "busy") })).rejects.toThrow(/not empty/);
    expect(existsSync(join(root, "busy/package.json"))).toBe(false);
  });

  it("writes into it with force, keeping other files", async () => {
    await mkdir(join(root, "busy"));
    await writeFile(join(root, "busy/notes.txt"), "mine");
    await generateProject({ directory: join(root, "busy"), force: true });
    expect(await readFile(join(root, "busy/notes.txt"), "utf8")).toBe("mine");
  });

  it.each([
    ["My App", "use lowercase letters, digits, '-', '.', '_' or '~'"],
    ["_x", "the name cannot start with '.' or '_'"],
    [".x", "the name cannot start with '.' or '_'"],
    ["a b", "use lowercase letters, digits, '-', '.', '_' or '~'"],
  ])("refuses the name %j", async (name, reason) => {
    expect(validateName(name)).toBe(reason);
    await expect(generateProject({ directory: join(root, "n"), name })).rejects.toBeInstanceOf(
      CreateError,
    );
  });

  it("titles names", () => {
    expect(titleOf("my-app")).toBe("My App");
  });
});

describe("create-keyship command line", () => {
  it("runs unattended from flags only", async () => {
    const io = captureIo();
    const code = await runCreate(
      ["demo", "--template", "api", "--passwords", "--no-install", "--yes"],
      io,
    );
    expect(io.errors).toEqual([]);
    expect(code).toBe(0);
    expect(existsSync(join(root, "demo/src/app.ts"))).toBe(true);
    expect(io.lines.some((l) => l.startsWith("◇ Creating demo"))).toBe(true);
    expect(io.lines).toContain("  npm run dev     # then open http://localhost:8787");
  });

  it("never asks without a terminal, taking the defaults", async () => {
    const io = captureIo();
    expect(await runCreate(["--no-install"], io)).toBe(0);
    expect(existsSync(join(root, "my-keyship-app/web/src/App.tsx"))).toBe(true);
  });

  it("exits 1 on a non-empty directory and 0 with --force", async () => {
    await mkdir(join(root, "busy"));
    await writeFile(join(root, "busy/x"), "");
    const io = captureIo();
    expect(await runCreate(["busy", "--no-install"], io)).toBe(1);
    expect(io.errors.join("\n")).toMatch(/not empty/);
    expect(await runCreate(["busy", "--no-install", "--force"], captureIo())).toBe(0);
  });

  it.each([[["--template", "mobile"]], [["--pm", "cargo"]], [["--frobnicate"]], [["a", "b"]]])(
    "exits 2 on %j",
    async (argv) => {
      expect(await runCreate([...argv, "--no-install"], captureIo())).toBe(2);
    },
  );

  it("asks for what is missing on a terminal", async () => {
    const asked: string[] = [];
    const io: CreateIo = {
      ...captureIo(),
      isInteractive: true,
      prompter: () => ({
        text: async (q) => {
          asked.push(q);
          return "asked-app";
        },
        choose: async (q, _choices, fallback) => {
          asked.push(q);
          return q.startsWith("Template") ? ("api" as never) : fallback;
        },
        confirm: async (q) => {
          asked.push(q);
          return true;
        },
        close: () => {},
      }),
    };
    expect(await runCreate(["--no-install"], io)).toBe(0);
    expect(asked).toEqual([
      "Project name:",
      "Template:",
      "Offer password sign-in next to passkeys?",
      "Package manager:",
    ]);
    expect(
      parseEnv(await readFile(join(root, "asked-app/.env"), "utf8")).KEYSHIP_PASSWORD_AUTH_ENABLED,
    ).toBe("true");
  });
});
