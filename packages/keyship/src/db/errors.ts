/**
 * Database error classification, the one place that knows each driver's error shapes.
 * @module
 */

/**
 * True when `error` is a unique-constraint violation (SQLite `SQLITE_CONSTRAINT_UNIQUE` /
 * `…PRIMARYKEY`, PostgreSQL SQLSTATE 23505).
 */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const e = error as { code?: unknown; errcode?: unknown; message?: unknown };
  if (e.code === "23505") return true;
  // node:sqlite: code ERR_SQLITE_ERROR with the extended result code in errcode.
  if (e.errcode === 2067 || e.errcode === 1555) return true;
  return typeof e.message === "string" && e.message.includes("UNIQUE constraint failed");
}

/** SQLite result codes of a file another connection holds: BUSY, LOCKED and their variants. */
const SQLITE_UNAVAILABLE = new Set([5, 6, 261, 262, 517]);
/** Node's codes for a server that cannot be reached. */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
]);
/** PostgreSQL SQLSTATEs of a server that is shutting down, starting or full. */
const PG_UNAVAILABLE = new Set(["57P01", "57P02", "57P03", "53300", "53000"]);

/** Whether one error (not its causes) says the database cannot serve now. */
function isUnavailableOne(e: { code?: unknown; errcode?: unknown; message?: unknown }): boolean {
  if (typeof e.errcode === "number" && SQLITE_UNAVAILABLE.has(e.errcode)) return true;
  if (typeof e.code === "string") {
    if (NETWORK_CODES.has(e.code) || PG_UNAVAILABLE.has(e.code)) return true;
    // SQLSTATE class 08: connection exception.
    if (/^08[0-9A-Z]{3}$/.test(e.code)) return true;
  }
  const message = typeof e.message === "string" ? e.message : "";
  // pg's own errors carry no code: a pool timeout, a dropped connection, and a query (often the
  // ROLLBACK after a failed transaction, whose error replaces the first) on a client whose
  // connection failed or closed ("Client has encountered a connection error and is not queryable").
  return /database is locked|timeout exceeded when trying to connect|Connection terminated|is not queryable/i.test(
    message,
  );
}

/**
 * True when `error` (or one of its causes) says the database is locked, unreachable or
 * refusing connections: a condition that passes, answered 503 `service_unavailable` with
 * `Retry-After` rather than 500.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth++) {
    const e = current as { code?: unknown; errcode?: unknown; message?: unknown; cause?: unknown };
    if (isUnavailableOne(e)) return true;
    current = e.cause;
  }
  return false;
}
