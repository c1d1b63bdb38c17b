#!/usr/bin/env node
/**
 * The `keyship` command line.
 * @module
 */
import { type ParseArgsConfig, parseArgs } from "node:util";
import { KeyshipConfigError } from "../errors.ts";
import { runClients } from "./clients.ts";
import { runDoctor } from "./doctor.ts";
import { type InitArgs, runInit } from "./init.ts";
import { type CliIo, processIo, UsageError } from "./io.ts";
import { runKeygen } from "./keygen.ts";
import { runMigrate } from "./migrate.ts";
import { runUsers } from "./users.ts";

const HELP = `keyship — passkeys-first auth for Hono APIs

Usage:
  keyship migrate                           apply pending database migrations
  keyship migrate status                    list migrations and whether they ran
  keyship users list [--search S] [--limit N] [--offset N]
                                            list users (id, email, role, scopes, disabled)
  keyship users promote <id|email>          make a user an admin
  keyship users demote <id|email>           make an admin a plain user
  keyship users scopes add <id|email> <scope...>
                                            grant scopes
  keyship users scopes remove <id|email> <scope...>
                                            take scopes away
  keyship users disable <id|email>          block a user from signing in
  keyship users enable <id|email>           allow a disabled user again
  keyship clients create <name> [--scopes a,b] [--refresh]
                                            register an OAuth client; prints its id and
                                            secret once
  keyship clients list                      list OAuth clients (never their secrets)
  keyship clients rotate-secret <id|name>   new secret (shown once); old tokens refused
  keyship clients delete <id|name>          delete a client and refuse its tokens
  keyship init [--force] [--origin URL] [--oauth PRESET]  write .env and .env.example here
  keyship doctor                            check settings, route rules, database,
                                            migrations, WebAuthn
  keyship keygen --type es256|secret|aes [--dotenv FILE ...] [--name VAR]
                                            generate a key; print it, or set VAR in each
                                            file (a fresh key each, other lines kept)
  keyship help                              show this help

Every command takes --database URL (overrides KEYSHIP_DATABASE_URL).
Settings come from KEYSHIP_* variables and ./.env (see docs/configuration.md).
Exit codes: 0 success, 1 failure, 2 wrong command line.`;

/** The flags of every command, parsed once; each command reads its own. */
const OPTIONS = {
  database: { type: "string" },
  help: { type: "boolean", short: "h" },
  search: { type: "string" },
  limit: { type: "string" },
  offset: { type: "string" },
  force: { type: "boolean" },
  origin: { type: "string" },
  type: { type: "string" },
  // `--dotenv`: Node itself takes `--env-file` from anywhere on the command line and exits 9
  // when the file does not exist yet, before keyship runs; the old spelling is still read.
  dotenv: { type: "string", multiple: true },
  "env-file": { type: "string", multiple: true },
  name: { type: "string" },
  scopes: { type: "string" },
  refresh: { type: "boolean" },
  oauth: { type: "string", multiple: true },
} as const satisfies ParseArgsConfig["options"];

/** The `init` command's arguments from the parsed flags. */
function initArgsOf(values: {
  force?: boolean | undefined;
  origin?: string | undefined;
  database?: string | undefined;
  oauth?: string[] | undefined;
}): InitArgs {
  const { force, origin, database, oauth } = values;
  return { force: force ?? false, origin, database, oauth };
}

/**
 * Runs the CLI with `argv` (without the node and script paths).
 * @returns the exit code: 0 success, 1 failure, 2 usage error
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  try {
    const { positionals, values } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: OPTIONS,
    });
    const [command, subcommand, ...rest] = positionals;
    if (values.help || command === undefined || command === "help") {
      io.out(HELP);
      return 0;
    }
    switch (command) {
      case "migrate":
        if (rest.length > 0) throw new UsageError(`unexpected argument '${rest[0]}'`);
        if ((values.search ?? values.limit ?? values.offset) !== undefined) {
          throw new UsageError("--search, --limit and --offset only apply to 'keyship users list'");
        }
        return await runMigrate({ subcommand, database: values.database }, io);
      case "users":
        return await runUsers(
          {
            subcommand,
            operands: rest,
            database: values.database,
            search: values.search,
            limit: values.limit,
            offset: values.offset,
          },
          io,
        );
      case "clients":
        return await runClients(
          {
            subcommand,
            operands: rest,
            database: values.database,
            scopes: values.scopes,
            refresh: values.refresh,
          },
          io,
        );
      case "init":
        if (subcommand !== undefined) throw new UsageError(`unexpected argument '${subcommand}'`);
        return runInit(initArgsOf(values), io);
      case "doctor":
        if (subcommand !== undefined) throw new UsageError(`unexpected argument '${subcommand}'`);
        return await runDoctor({ database: values.database }, io);
      case "keygen":
        if (subcommand !== undefined) throw new UsageError(`unexpected argument '${subcommand}'`);
        return await runKeygen(
          {
            type: values.type,
            envFiles: [...(values.dotenv ?? []), ...(values["env-file"] ?? [])],
            name: values.name,
          },
          io,
        );
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
