/**
 * The generated app's `npm run dev` (scripts/dev.mjs) when the API cannot start: a port held by
 * another program, or an API that fails at startup. Everything stops with a clear message and
 * Vite never starts (it would proxy to whatever holds the port).
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { freePort } from "../../keyship/test/helpers/ports.ts";
import { generateProject } from "../src/index.ts";

let root: string;
let held: Server | undefined;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "create-keyship-dev-"));
});
afterEach(async () => {
  await new Promise((resolve) => (held ? held.close(resolve) : resolve(undefined)));
  held = undefined;
  await rm(root, { recursive: true, force: true });
});

/** Listens on a free port of 127.0.0.1 (as another program would) and returns it. */
async function holdPort(): Promise<number> {
  held = createServer();
  await new Promise<void>((resolve) => held!.listen(0, "127.0.0.1", resolve));
  return (held.address() as { port: number }).port;
}

/** Runs `node scripts/dev.mjs` in `directory` until it exits. */
function runDev(directory: string, env: Record<string, string>) {
  const child = spawn(process.execPath, ["scripts/dev.mjs"], {
    cwd: directory,
    env: { ...process.env, ...env },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on("exit", (code) => resolve({ code, stdout, stderr })),
  );
}

describe("npm run dev of the generated app", () => {
  it("stops with a clear message when the API's port is taken, before starting anything", async () => {
    const project = await generateProject({ directory: join(root, "app") });
    const port = await holdPort();
    const result = await runDev(project.directory, {
      KEYSHIP_PORT: String(port),
      WEB_PORT: String(await freePort()),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `Port ${port} (the API, KEYSHIP_PORT) is already in use by another program. Stop it, or use another port: KEYSHIP_PORT=<port> npm run dev.`,
    );
    expect(result.stderr).not.toMatch(/EADDRINUSE|\n\s+at /);
    expect(result.stdout).not.toMatch(/\[api\]|\[web\]/);
  });

  it("stops when the web app's port is taken", async () => {
    const project = await generateProject({ directory: join(root, "app") });
    const port = await holdPort();
    const result = await runDev(project.directory, {
      KEYSHIP_PORT: String(await freePort()),
      WEB_PORT: String(port),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(`Port ${port} \\(the web app, WEB_PORT\\) is already in use`),
    );
  });

  it("stops everything when the API fails at startup, never starting Vite", async () => {
    // Not installed: the API cannot load keyship, and node --watch would wait forever.
    const project = await generateProject({ directory: join(root, "app") });
    const result = await runDev(project.directory, {
      KEYSHIP_PORT: String(await freePort()),
      WEB_PORT: String(await freePort()),
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/\[api\]/);
    expect(result.stdout).not.toMatch(/\[web\]|Ready: open/);
    expect(result.stderr).toContain("The API did not start (see its error above)");
  });
});
