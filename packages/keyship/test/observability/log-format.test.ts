/**
 * Readable development logs: KEYSHIP_LOG_FORMAT `auto` is pretty in development at a terminal
 * and JSON otherwise (always JSON in production); `pretty` and `json` force one.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { isPrettyLogging } from "../../src/config/settings-logging.ts";

const run = promisify(execFile);
/** Each case starts a Node process that loads keyship from source. */
const CHILD_TIMEOUT_MS = 60_000;
const source = fileURLToPath(new URL("../../src/index.ts", import.meta.url));

describe("isPrettyLogging", () => {
  it.each([
    ["auto", "development", true, true],
    ["auto", "development", false, false],
    ["auto", "production", true, false],
    ["pretty", "production", false, true],
    ["json", "development", true, false],
  ] as const)("%s in %s, terminal %s → %s", (logFormat, env, isTerminal, pretty) => {
    expect(isPrettyLogging({ logFormat, env }, isTerminal)).toBe(pretty);
  });
});

/** Starts an app in a child process with `env` and returns what it printed on stdout. */
async function appOutput(env: Record<string, string>): Promise<string> {
  const script = `import { createApp } from ${JSON.stringify(source)};
const app = createApp({ databaseUrl: "sqlite::memory:", envFile: false });
await app.keyship.ready;
app.keyship.logger.info({ userId: "u1" }, "hello from the test");
await app.keyship.close();`;
  const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], {
    env: { PATH: process.env.PATH ?? "", ...env },
  });
  return stdout;
}

describe("keyship's logger", () => {
  it(
    "writes readable lines with KEYSHIP_LOG_FORMAT=pretty",
    async () => {
      const out = await appOutput({ KEYSHIP_LOG_FORMAT: "pretty" });
      expect(out).toMatch(
        /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: hello from the test\n {4}service: "keyship"\n {4}userId: "u1"$/m,
      );
      expect(out).toMatch(/WARN: KEYSHIP_RP_ID is not set/);
      expect(out).not.toMatch(/^\{/m);
    },
    CHILD_TIMEOUT_MS,
  );

  it.each([
    ["stdout is not a terminal (auto)", {}],
    ["KEYSHIP_LOG_FORMAT=json", { KEYSHIP_LOG_FORMAT: "json" }],
  ])(
    "writes JSON lines when %s",
    async (_when, env: Record<string, string>) => {
      const lines = (await appOutput(env)).trim().split("\n");
      const parsed = lines.map((l) => JSON.parse(l) as { msg: string });
      expect(parsed.map((p) => p.msg)).toContain("hello from the test");
    },
    CHILD_TIMEOUT_MS,
  );
});
