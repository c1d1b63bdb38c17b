#!/usr/bin/env node
/**
 * The `keyship` command line.
 * @module
 */
import { parseArgs } from "node:util";
import { KeyshipConfigError } from "../errors.ts";
import { type CliIo, processIo, UsageError } from "./io.ts";
import { runMigrate } from "./migrate.ts";

const HELP = `keyship — passkeys-first auth for Hono APIs

Usage:
  keyship migrate [--database URL]          apply pending database migrations
  keyship migrate status [--database URL]   list migrations and whether they ran
  keyship help                              show this help

Settings come from KEYSHIP_* variables and ./.env (see docs/configuration.md).`;

/**
 * Runs the CLI with `argv` (without the node and script paths).
 * @returns the exit code: 0 success, 1 failure, 2 usage error
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  try {
    const { positionals, values } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { database: { type: "string" }, help: { type: "boolean", short: "h" } },
    });
    const [command, subcommand, ...rest] = positionals;
    if (values.help || command === undefined || command === "help") {
      io.out(HELP);
      return 0;
    }
    if (rest.length > 0) throw new UsageError(`unexpected argument '${rest[0]}'`);
    switch (command) {
      case "migrate":
        return await runMigrate({ subcommand, database: values.database }, io);
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (error) {
    if (
      error instanceof UsageError ||
      (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")
    ) {
      io.err(`error: ${(error as Error).message}\n\n${HELP}`);
      return 2;
    }
    if (error instanceof KeyshipConfigError) {
      io.err(error.message);
      return 1;
    }
    throw error;
  }
}

const isMain =
  process.argv[1] !== undefined &&
  import.meta.filename === (await import("node:fs")).realpathSync(process.argv[1]);
if (isMain) process.exitCode = await runCli(process.argv.slice(2));
