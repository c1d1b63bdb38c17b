/**
 * `keyship clients …`: register OAuth clients, list them, rotate a secret, delete one.
 * @module
 */
import { CLI_SOURCE } from "../audit/model.ts";
import {
  type ClientsContext,
  createClient,
  deleteClient,
  listClients,
  rotateClientSecret,
} from "../clients/manage.ts";
import type { ClientView, ClientWithSecret } from "../clients/model.ts";
import { ProblemError } from "../errors.ts";
import { newId } from "../ids.ts";
import { closeCliChanges, isMigrated, openCliChanges, openCliDatabase } from "./database.ts";
import { type CliIo, UsageError } from "./io.ts";

/** Options of the clients command, as parsed by `main.ts`. */
export interface ClientsArgs {
  /** `create`, `list`, `rotate-secret` or `delete`. */
  readonly subcommand: string | undefined;
  /** The positional arguments after the subcommand. */
  readonly operands: readonly string[];
  /** Overrides KEYSHIP_DATABASE_URL. */
  readonly database: string | undefined;
  /** `create` only: the client's scopes, comma- or space-separated. */
  readonly scopes: string | undefined;
  /** `create` only: allow the refresh-token grant. */
  readonly refresh: boolean | undefined;
}

const SUBCOMMANDS = "create, list, rotate-secret, delete";

/** One parsed command line, ready to run against the database. */
interface Action {
  readonly run: (ctx: ClientsContext, io: CliIo) => Promise<void>;
  /** The `<name>` or `<id|name>` operand, for the error messages. */
  readonly who?: string;
}

function cell(value: string | null): string {
  return value === null || value === "" ? "-" : value;
}

/**
 * Formats clients as an aligned text table with the header
 * `ID  NAME  SCOPES  REFRESH  CREATED  ROTATED`; empty values show as `-`.
 * @param clients the clients to show
 * @returns one string per line, header first
 * @example formatClientTable(await listClients(ctx)).forEach(print);
 */
export function formatClientTable(clients: readonly ClientView[]): string[] {
  const rows = [
    ["ID", "NAME", "SCOPES", "REFRESH", "CREATED", "ROTATED"],
    ...clients.map((c) => [
      c.id,
      c.name,
      cell(c.scopes.join(" ")),
      c.allowRefresh ? "yes" : "no",
      c.createdAt,
      cell(c.secretRotatedAt),
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

/** The lines that show a secret, once. */
function secretLines({ client, clientSecret }: ClientWithSecret): string[] {
  return [
    `  client_id:     ${client.id}`,
    `  client_secret: ${clientSecret}`,
    `  scopes:        ${client.scopes.length === 0 ? "(none)" : client.scopes.join(" ")}`,
    `  refresh:       ${client.allowRefresh ? "allowed" : "no"}`,
    "The secret is shown this once: store it now (keyship keeps only its SHA-256).",
  ];
}

function one(operands: readonly string[], usage: string): string {
  if (operands.length !== 1) throw new UsageError(`expected: keyship clients ${usage}`);
  return operands[0]!;
}

/** Turns the command line into an action, or throws a UsageError before any I/O. */
function parseAction(args: ClientsArgs): Action {
  const { operands, subcommand } = args;
  if (subcommand !== "create" && (args.scopes !== undefined || args.refresh !== undefined)) {
    throw new UsageError("--scopes and --refresh only apply to 'keyship clients create'");
  }
  switch (subcommand) {
    case "create": {
      const name = one(operands, "create <name> [--scopes a,b] [--refresh]");
      const input = { name, scopes: args.scopes ?? "", allowRefresh: args.refresh === true };
      return {
        who: name,
        run: async (ctx, io) => {
          const created = await createClient(ctx, CLI_SOURCE, input);
          for (const line of [`created client ${name}`, ...secretLines(created)]) io.out(line);
        },
      };
    }
    case "list":
      if (operands.length > 0) throw new UsageError(`unexpected argument '${operands[0]}'`);
      return {
        run: async (ctx, io) => {
          const clients = await listClients(ctx);
          for (const line of formatClientTable(clients)) io.out(line);
          io.out(`${clients.length} client${clients.length === 1 ? "" : "s"}`);
        },
      };
    case "rotate-secret": {
      const who = one(operands, "rotate-secret <id|name>");
      return {
        who,
        run: async (ctx, io) => {
          const rotated = await rotateClientSecret(ctx, CLI_SOURCE, who);
          io.out(
            `new secret for client ${rotated.client.name}; the old secret and its tokens are refused`,
          );
          for (const line of secretLines(rotated)) io.out(line);
        },
      };
    }
    case "delete": {
      const who = one(operands, "delete <id|name>");
      return {
        who,
        run: async (ctx, io) => {
          const client = await deleteClient(ctx, CLI_SOURCE, who);
          io.out(`deleted client ${client.name} (${client.id}); its secret and tokens are refused`);
        },
      };
    }
    case undefined:
      throw new UsageError(`missing clients subcommand (expected: ${SUBCOMMANDS})`);
    default:
      throw new UsageError(`unknown clients subcommand '${subcommand}' (expected: ${SUBCOMMANDS})`);
  }
}

/** A `validation.failed` problem (a bad name or scope) is a wrong command line. */
function asUsageError(error: unknown): unknown {
  if (!(error instanceof ProblemError) || error.code !== "validation.failed") return error;
  const invalid = error.extensions.invalid_scopes as readonly string[] | undefined;
  return new UsageError(
    invalid === undefined
      ? error.detail
      : `invalid scope ${invalid.map((s) => `'${s}'`).join(", ")}: ${error.detail}`,
  );
}

/**
 * Runs `keyship clients <subcommand> … [--database URL]`. It never migrates: on a database
 * with pending migrations it asks for `keyship migrate` and exits 1. A rotation or deletion is
 * announced on the change feed, so running servers refuse the client's tokens at once.
 * @param args the parsed command line
 * @param io where to print and which environment to read
 * @returns the exit code: 0 done, 1 unknown client, taken name, unmigrated or unreachable
 *   database
 * @throws UsageError for a wrong command line, a bad name or scope (exit code 2);
 *   KeyshipConfigError for invalid settings
 * @example process.exitCode = await runClients({ subcommand: "create", operands: ["billing"], scopes: "invoices:read", … }, io);
 */
export async function runClients(args: ClientsArgs, io: CliIo): Promise<number> {
  const action = parseAction(args);
  const opened = openCliDatabase(args, io);
  const { db, dialect } = opened;
  const changes = openCliChanges(opened);
  try {
    if (!(await isMigrated(db, dialect, io))) return 1;
    await action.run({ db, now: () => new Date(), newId, changes }, io);
    return 0;
  } catch (error) {
    if (error instanceof ProblemError && error.code === "resource.not_found") {
      io.err(`error: no client with id or name '${action.who ?? ""}' (see keyship clients list)`);
      return 1;
    }
    if (error instanceof ProblemError && error.code === "client.name_taken") {
      io.err(
        `error: a client named '${action.who ?? ""}' exists; choose another name, or delete it first (keyship clients delete ${action.who ?? ""})`,
      );
      return 1;
    }
    throw asUsageError(error);
  } finally {
    await closeCliChanges(changes, io);
    await db.destroy();
  }
}
