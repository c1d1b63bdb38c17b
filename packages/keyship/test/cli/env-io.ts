/** A captured CLI run in a fresh temp directory, for the commands that write files there. */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CliIo } from "../../src/cli/io.ts";

export type CapturedIo = CliIo & { lines: string[]; errors: string[] };

/** Captures output; `cwd` is a new temp directory. */
export async function tempDirIo(env: Record<string, string> = {}): Promise<CapturedIo> {
  const cwd = await mkdtemp(join(tmpdir(), "keyship-cli-"));
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l), env, cwd };
}
