/** Runs the `keyship` CLI in process against a database, capturing what it prints. */
import type { CliIo } from "../../src/cli/io.ts";
import { runCli } from "../../src/cli/main.ts";

/** Runs `keyship …` against `url` and returns the exit code and what it printed. */
export async function keyship(url: string, ...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    env: { KEYSHIP_DATABASE_URL: url },
    cwd: "/nonexistent",
  };
  const code = await runCli(argv, io);
  return { code, out, err };
}
