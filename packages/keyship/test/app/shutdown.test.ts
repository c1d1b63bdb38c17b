import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const source = fileURLToPath(new URL("../../src/index.ts", import.meta.url));

describe("listen()", () => {
  it("serves, then on SIGTERM closes the server and the database and exits 0", async () => {
    const dir = mkdtempSync(join(tmpdir(), "keyship-shutdown-"));
    const script = join(dir, "server.ts");
    writeFileSync(
      script,
      `import { createApp, listen } from ${JSON.stringify(source)};
const app = createApp({ databaseUrl: "sqlite:${join(dir, "k.db")}", envFile: false, processEnv: {}, logLevel: "info" });
const { url } = await listen(app, { port: 0 });
console.log("URL " + url);`,
    );
    const child = spawn(process.execPath, [script], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        const match = /URL (\S+)/.exec(output);
        if (match?.[1]) resolve(match[1]);
      });
      child.once("exit", (code) => reject(new Error(`exited early with ${code}: ${output}`)));
    });
    const health = await fetch(`${url.replace("localhost", "127.0.0.1")}/health`);
    expect(health.status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(output).toContain('"msg":"shutting down"');
  });
});
