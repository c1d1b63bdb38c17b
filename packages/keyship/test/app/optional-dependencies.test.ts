import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const source = fileURLToPath(new URL("../../src/index.ts", import.meta.url));

/** The packages a default app (SQLite, no Redis, no mail, no LLM, no provider) must not load. */
const OPTIONAL = [
  "pg",
  "redis",
  "@redis/client",
  "nodemailer",
  "openai",
  "openid-client",
  "@simplewebauthn/server",
  "@node-rs/argon2",
];

/**
 * Starts a default app in a child process that records every module it resolves (import and
 * require alike, through `module.registerHooks`), serves one `/health`, and answers the
 * packages under node_modules it loaded.
 */
async function packagesLoadedByDefaultApp(): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), "keyship-optional-"));
  const script = join(dir, "server.mjs");
  writeFileSync(
    script,
    `import { registerHooks } from "node:module";
const loaded = new Set();
registerHooks({
  resolve(specifier, context, next) {
    const result = next(specifier, context);
    const match = /\\/node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(result.url);
    if (match) loaded.add(match[1]);
    return result;
  },
});
const { createApp, listen } = await import(${JSON.stringify(source)});
const app = createApp({ databaseUrl: "sqlite:${join(dir, "k.db")}", envFile: false, processEnv: {}, logLevel: "silent" });
const server = await listen(app, { port: 0, hostname: "127.0.0.1", handleSignals: false });
const health = await fetch("http://127.0.0.1:" + server.port + "/health");
await server.close();
console.log(JSON.stringify({ status: health.status, loaded: [...loaded].sort() }));`,
  );
  const child = spawn(process.execPath, [script], { stdio: ["ignore", "pipe", "inherit"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  expect(code).toBe(0);
  const { status, loaded } = JSON.parse(output) as { status: number; loaded: string[] };
  expect(status).toBe(200);
  return loaded;
}

describe("optional dependencies", () => {
  it("a default app serves without loading pg, Redis, nodemailer, openai, openid-client, SimpleWebAuthn or argon2", async () => {
    const loaded = await packagesLoadedByDefaultApp();
    // The hook sees what the app does load: the check below cannot pass for want of data.
    expect(loaded).toEqual(expect.arrayContaining(["hono", "kysely", "zod"]));
    expect(loaded.filter((name) => OPTIONAL.includes(name))).toEqual([]);
  }, 30_000);
});
