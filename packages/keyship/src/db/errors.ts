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
