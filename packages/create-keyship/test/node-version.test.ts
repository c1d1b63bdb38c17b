/**
 * The Node.js version checks: create-keyship's own (before it does anything) and the
 * generated app's (before its scripts run TypeScript), and the Node 24 pin of the generated app.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { generateProject, isNodeAtLeast, MINIMUM_NODE, nodeVersionProblem } from "../src/index.ts";

const run = promisify(execFile);
const MAIN = fileURLToPath(new URL("../src/main.ts", import.meta.url));

/** Runs `script` with Node, its `process.version(s)` faked to `version` before it loads. */
async function runWithNode(version: string, script: string, args: string[] = [], cwd?: string) {
  const fake = `Object.defineProperty(process, "version", { value: "v${version}" });
Object.defineProperty(process, "versions", { value: { ...process.versions, node: "${version}" } });`;
  const preload = `data:text/javascript,${encodeURIComponent(fake)}`;
  return run(process.execPath, ["--import", preload, script, ...args], { cwd }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "create-keyship-node-"));
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe("create-keyship's Node.js check", () => {
  it.each([
    ["v20.20.2", false],
    ["v22.11.9", false],
    ["v22.12.0", true],
    ["v22.18.1", true],
    ["v24.0.0", true],
  ])("knows whether %s is recent enough", (version, ok) => {
    expect(isNodeAtLeast(version, MINIMUM_NODE)).toBe(ok);
    expect(nodeVersionProblem(version) === undefined).toBe(ok);
  });

  it("names both versions and what to do", () => {
    expect(nodeVersionProblem("v20.20.2")).toMatch(
      /needs Node\.js 22\.12 or newer; this is Node\.js 20\.20\.2/,
    );
  });

  it("stops the command line up front on an old Node, writing nothing", async () => {
    const result = await runWithNode("20.20.2", MAIN, ["app", "--yes", "--no-install"], root);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: create-keyship needs Node\.js 22\.12 or newer/);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    await expect(readFile(join(root, "app/package.json"))).rejects.toThrow();
  });

  it("runs on a recent one", async () => {
    const result = await runWithNode("22.12.0", MAIN, ["--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/create-keyship/);
  });
});

describe("the generated app's Node.js", () => {
  it.each(["fullstack", "api"] as const)("pins Node 24 in the %s template", async (template) => {
    const project = await generateProject({ directory: join(root, "app"), template });
    const pkg = JSON.parse(await readFile(join(project.directory, "package.json"), "utf8"));
    expect(pkg.devDependencies.node).toBe("^24");
  });

  it.each(["fullstack", "api"] as const)(
    "checks the version before the %s template's scripts run TypeScript",
    async (template) => {
      const project = await generateProject({ directory: join(root, "app"), template });
      const apiDir = template === "api" ? project.directory : join(project.directory, "api");
      const pkg = JSON.parse(await readFile(join(apiDir, "package.json"), "utf8"));
      for (const script of ["dev", "start", "test"]) {
        expect(pkg.scripts[script]).toMatch(/^node scripts\/check-node\.mjs && /);
      }
      const old = await runWithNode("22.16.0", "scripts/check-node.mjs", [], apiDir);
      expect(old.code).toBe(1);
      expect(old.stderr).toMatch(/needs Node\.js 22\.18 or newer .*this is Node\.js 22\.16\.0/);
      expect((await runWithNode("22.18.0", "scripts/check-node.mjs", [], apiDir)).code).toBe(0);
    },
  );

  it("checks it in npm run dev too", async () => {
    const project = await generateProject({ directory: join(root, "app") });
    const old = await runWithNode("20.20.2", "scripts/dev.mjs", [], project.directory);
    expect(old.code).toBe(1);
    expect(old.stderr).toMatch(/needs Node\.js 22\.18 or newer/);
    expect(old.stdout).not.toMatch(/Starting/);
  });
});
