/**
 * keyship's structured logger (pino, JSON lines; human-readable through `pino-pretty` when
 * asked: `KEYSHIP_LOG_FORMAT`, by default in development at a terminal).
 * @module
 */
import { createRequire } from "node:module";
import { type DestinationStream, type Logger, pino } from "pino";

export type { Logger } from "pino";

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /**
   * The `service` field written on every line.
   * @default "keyship"
   */
  readonly service?: string;
  /**
   * Human-readable lines through `pino-pretty` (a dependency of keyship, loaded only when asked
   * for). Should it be missing (an install that pruned it), lines stay JSON (no error).
   * @default false
   */
  readonly pretty?: boolean;
  /**
   * Where lines go (anything with `write(line)`; tests capture lines this way).
   * @default standard output
   */
  readonly destination?: DestinationStream;
}

/**
 * Paths pino redacts wherever they appear (SECURITY: secrets never reach the log). Paths are
 * matched on the logged object, one level deep (`*.x`) as well as at the top. `code` is
 * deliberately absent: it is the problem code on error lines.
 */
const SECRET_PATHS = [
  "password",
  "newPassword",
  "currentPassword",
  "token",
  "accessToken",
  "access_token",
  "refreshToken",
  "refresh_token",
  "idToken",
  "id_token",
  "apiKey",
  "api_key",
  "secret",
  "clientSecret",
  "client_secret",
  "authorization",
  "cookie",
  "set-cookie",
] as const;

const EMAIL_PATHS = ["email", "*.email"] as const;

const REDACT_PATHS: readonly string[] = [
  ...SECRET_PATHS.flatMap((path) => [path, `*.${path}`]),
  "headers.authorization",
  "headers.cookie",
  'headers["set-cookie"]',
  "req.headers.authorization",
  "req.headers.cookie",
  ...EMAIL_PATHS,
];

const REDACTED = "[redacted]";
const EMAIL = /^([^@\s]+)@([^@\s]+)$/;

/**
 * Masks an email address for logs: the first character of the local part and the domain stay
 * (`a***@example.com`), so support can correlate without the log holding the full address.
 * Anything that is not an email becomes `[redacted]`.
 * @param value the value to mask
 * @returns the masked value
 * @example
 * maskEmail("alice@example.com"); // "a***@example.com"
 */
export function maskEmail(value: unknown): string {
  if (typeof value !== "string") return REDACTED;
  const match = EMAIL.exec(value.trim());
  if (match?.[1] === undefined || match[2] === undefined) return REDACTED;
  return `${match[1].slice(0, 1)}***@${match[2]}`;
}

function censor(value: unknown, path: string[]): unknown {
  return path[path.length - 1] === "email" ? maskEmail(value) : REDACTED;
}

type PrettyFactory = (options: Record<string, unknown>) => (line: string) => string;

/**
 * Loads `pino-pretty`'s formatter, on first use only (production, logging JSON, never loads
 * it); `undefined` when it cannot be loaded, and lines stay JSON.
 */
function loadPrettyFactory(): PrettyFactory | undefined {
  try {
    const loaded = createRequire(import.meta.url)("pino-pretty") as {
      prettyFactory?: PrettyFactory;
    };
    return typeof loaded.prettyFactory === "function" ? loaded.prettyFactory : undefined;
  } catch {
    return undefined;
  }
}

/** A synchronous destination that formats each JSON line with pino-pretty. */
function prettyDestination(
  factory: PrettyFactory,
  out: DestinationStream | NodeJS.WritableStream,
): DestinationStream {
  // Colours for a terminal, or when the parent that pipes our output to one asks (FORCE_COLOR).
  const colorize =
    out === process.stdout &&
    (process.stdout.isTTY === true || (process.env.FORCE_COLOR ?? "0") !== "0");
  const format = factory({ colorize, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname" });
  return {
    write(line: string) {
      out.write(format(line));
    },
  };
}

/**
 * Creates the logger keyship writes to. Secrets (passwords, tokens, API keys, authorization
 * headers, cookies) are redacted by path wherever they appear, and email addresses are masked.
 * @param level pino level, or `silent`. @default "info"
 * @param options `service`, `pretty` (default false) and `destination` (default stdout)
 * @returns a pino logger
 * @example
 * const logger = createLogger("debug", { pretty: process.stdout.isTTY });
 * logger.info({ user_id: "u…" }, "signed in");
 */
export function createLogger(level = "info", options: LoggerOptions = {}): Logger {
  const config = {
    level,
    base: { service: options.service ?? "keyship" },
    redact: { paths: [...REDACT_PATHS], censor },
  };
  const factory = options.pretty === true ? loadPrettyFactory() : undefined;
  if (factory !== undefined) {
    return pino(config, prettyDestination(factory, options.destination ?? process.stdout));
  }
  return options.destination === undefined ? pino(config) : pino(config, options.destination);
}
