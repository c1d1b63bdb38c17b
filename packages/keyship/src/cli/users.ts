/**
 * `keyship users …`: list users, change roles and scopes, disable and enable accounts.
 * @module
 */
import { CLI_SOURCE } from "../audit/model.ts";
import { ProblemError } from "../errors.ts";
import { scopesFromInput, type UserView } from "../users/model.ts";
import {
  addUserScopes,
  demoteUser,
  disableUser,
  enableUser,
  listUserViews,
  MAX_LIST_LIMIT,
  promoteUser,
  removeUserScopes,
  type UserChange,
  type UserChangeOptions,
  type UsersContext,
} from "../users/service.ts";
import { closeCliChanges, isMigrated, openCliChanges, openCliDatabase } from "./database.ts";
import { type CliIo, UsageError } from "./io.ts";

/** Options of the users command, as parsed by `main.ts`. */
export interface UsersArgs {
  /** `list`, `promote`, `demote`, `scopes`, `disable` or `enable`. */
  readonly subcommand: string | undefined;
  /** The positional arguments after the subcommand. */
  readonly operands: readonly string[];
  /** Overrides KEYSHIP_DATABASE_URL. */
  readonly database: string | undefined;
  /** `list` only: keep users whose id, email or name contains this. */
  readonly search: string | undefined;
  /** `list` only: at most this many users. @default "50" */
  readonly limit: string | undefined;
  /** `list` only: skip this many users. @default "0" */
  readonly offset: string | undefined;
}

/** The page size of `keyship users list` without `--limit`. */
export const DEFAULT_LIST_LIMIT = 50;

const SUBCOMMANDS = "list, promote, demote, scopes add, scopes remove, disable, enable";

/** One parsed command line, ready to run against the database. */
interface Action {
  readonly run: (ctx: UsersContext, io: CliIo, options: UserChangeOptions) => Promise<void>;
  /** The `<id|email>` operand, for the "no such user" message. */
  readonly who?: string;
}

/** Parses a whole-number flag in `[min, max]`; `fallback` when absent. */
function parseCount(
  flag: string,
  text: string | undefined,
  fallback: number,
  range: [number, number],
) {
  if (text === undefined) return fallback;
  const value = /^\d{1,7}$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= range[0] && value <= range[1])) {
    throw new UsageError(`--${flag} must be a whole number from ${range[0]} to ${range[1]}`);
  }
  return value;
}

function cell(value: string | null): string {
  return value === null || value === "" ? "-" : value;
}

/**
 * Formats users as an aligned text table with the header
 * `ID  EMAIL  ROLE  SCOPES  DISABLED`; empty values show as `-`.
 * @param users the users to show
 * @returns one string per line, header first
 * @example formatUserTable(await listUserViews(ctx, { limit: 50, offset: 0 })).forEach(print);
 */
export function formatUserTable(users: readonly UserView[]): string[] {
  const rows = [
    ["ID", "EMAIL", "ROLE", "SCOPES", "DISABLED"],
    ...users.map((u) => [
      u.id,
      cell(u.email),
      u.role,
      cell(u.scopes.join(" ")),
      cell(u.disabledAt),
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) =>
    r
      .map((value, i) => (i === r.length - 1 ? value : value.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd(),
  );
}

function label(user: UserView): string {
  return user.email === null ? user.id : `${user.id} (${user.email})`;
}

function scopeList(user: UserView): string {
  return user.scopes.length === 0 ? "(none)" : user.scopes.join(" ");
}

function one(operands: readonly string[], usage: string): string {
  if (operands.length !== 1) throw new UsageError(`expected: keyship users ${usage}`);
  return operands[0]!;
}

function report(
  run: (ctx: UsersContext, who: string, options: UserChangeOptions) => Promise<UserChange>,
  who: string,
  say: (change: UserChange) => string,
): Action {
  return { who, run: async (ctx, io, options) => io.out(say(await run(ctx, who, options))) };
}

function parseScopesCommand(operands: readonly string[]): Action {
  const [verb, who, ...scopes] = operands;
  if ((verb !== "add" && verb !== "remove") || who === undefined || scopes.length === 0) {
    throw new UsageError("expected: keyship users scopes add|remove <id|email> <scope...>");
  }
  scopesFromInput(scopes); // malformed scopes are a usage error, found before any I/O
  if (verb === "add") {
    return report(
      (ctx, w, options) => addUserScopes(ctx, w, scopes, options),
      who,
      ({ user, changed }) =>
        `${changed ? "granted scopes to" : "no change for"} ${label(user)}; scopes: ${scopeList(user)}`,
    );
  }
  return report(
    (ctx, w, options) => removeUserScopes(ctx, w, scopes, options),
    who,
    ({ user, changed }) =>
      `${changed ? "removed scopes from" : "no change for"} ${label(user)}; scopes: ${scopeList(user)}`,
  );
}

function parseList(args: UsersArgs): Action {
  if (args.operands.length > 0) throw new UsageError(`unexpected argument '${args.operands[0]}'`);
  const limit = parseCount("limit", args.limit, DEFAULT_LIST_LIMIT, [1, MAX_LIST_LIMIT]);
  const offset = parseCount("offset", args.offset, 0, [0, 9_999_999]);
  const run = async (ctx: UsersContext, io: CliIo) => {
    const users = await listUserViews(ctx, { limit, offset, search: args.search });
    for (const line of formatUserTable(users)) io.out(line);
    const matching = args.search === undefined ? "" : ` matching '${args.search}'`;
    io.out(`${users.length} user${users.length === 1 ? "" : "s"}${matching}`);
    if (users.length === limit) io.out(`more may exist: add --offset ${offset + limit}`);
  };
  return { run };
}

/** Turns the command line into an action, or throws a UsageError before any I/O. */
function parseAction(args: UsersArgs): Action {
  const isList = args.subcommand === "list";
  if (!isList && (args.search ?? args.limit ?? args.offset) !== undefined) {
    throw new UsageError("--search, --limit and --offset only apply to 'keyship users list'");
  }
  const { operands } = args;
  switch (args.subcommand) {
    case "list":
      return parseList(args);
    case "promote":
      return report(promoteUser, one(operands, "promote <id|email>"), ({ user, changed }) =>
        changed ? `promoted ${label(user)} to admin` : `${label(user)} is already an admin`,
      );
    case "demote":
      return report(demoteUser, one(operands, "demote <id|email>"), ({ user, changed }) =>
        changed ? `demoted ${label(user)} to user` : `${label(user)} is not an admin`,
      );
    case "disable":
      return report(disableUser, one(operands, "disable <id|email>"), ({ user, changed }) =>
        changed
          ? `disabled ${label(user)}`
          : `${label(user)} is already disabled (since ${user.disabledAt})`,
      );
    case "enable":
      return report(enableUser, one(operands, "enable <id|email>"), ({ user, changed }) =>
        changed ? `enabled ${label(user)}` : `${label(user)} is not disabled`,
      );
    case "scopes":
      return parseScopesCommand(operands);
    case undefined:
      throw new UsageError(`missing users subcommand (expected: ${SUBCOMMANDS})`);
    default:
      throw new UsageError(
        `unknown users subcommand '${args.subcommand}' (expected: ${SUBCOMMANDS})`,
      );
  }
}

/**
 * Runs `keyship users <subcommand> … [--database URL]`. It never migrates: on a database
 * with pending migrations it asks for `keyship migrate` and exits 1.
 * @param args the parsed command line
 * @param io where to print and which environment to read
 * @returns the process exit code: 0 done (also when nothing needed changing), 1 unknown
 *   user, unmigrated or unreachable database
 * @throws UsageError for a wrong command line or a malformed scope (exit code 2);
 *   KeyshipConfigError for invalid settings
 * @example process.exitCode = await runUsers({ subcommand: "promote", operands: ["ada@example.com"], … }, io);
 */
export async function runUsers(args: UsersArgs, io: CliIo): Promise<number> {
  let action: Action;
  try {
    action = parseAction(args);
  } catch (error) {
    throw asUsageError(error);
  }
  const opened = openCliDatabase(args, io);
  const { db, dialect } = opened;
  const changes = openCliChanges(opened);
  // Every change made from the command line is audited with the CLI as its source, and
  // announced so running servers stop trusting what they cached about the user.
  const options: UserChangeOptions = {
    audit: CLI_SOURCE,
    onUserChanged: (id) => changes.announce({ kind: "user", id }),
  };
  try {
    if (!(await isMigrated(db, dialect, io))) return 1;
    await action.run({ db, dialect, now: () => new Date() }, io, options);
    return 0;
  } catch (error) {
    if (error instanceof ProblemError && error.code === "resource.not_found") {
      io.err(`error: no user with id or email '${action.who ?? ""}'`);
      return 1;
    }
    if (error instanceof ProblemError && error.code === "user.last_admin") {
      io.err(
        `error: '${action.who ?? ""}' is the last active admin; promote another user first (keyship users promote <email>)`,
      );
      return 1;
    }
    throw asUsageError(error);
  } finally {
    await closeCliChanges(changes, io);
    await db.destroy();
  }
}

/** A `validation.failed` problem is a wrong command line; other errors pass through. */
function asUsageError(error: unknown): unknown {
  if (!(error instanceof ProblemError) || error.code !== "validation.failed") return error;
  const invalid = error.extensions.invalid_scopes as readonly string[] | undefined;
  return new UsageError(
    invalid === undefined
      ? error.detail
      : `invalid scope ${invalid.map((s) => `'${s}'`).join(", ")}: ${error.detail}`,
  );
}
