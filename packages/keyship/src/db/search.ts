/**
 * Small query pieces several stores share: a case-insensitive "contains" filter and opaque
 * cursors of keyset pagination.
 * @module
 */
import { type ExpressionBuilder, sql } from "kysely";
import { ProblemError } from "../errors.ts";

/**
 * The LIKE pattern of "contains `text`", lower-cased, with LIKE's wildcards escaped so a
 * search for `a_b` matches the text `a_b` only.
 */
export function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * A WHERE condition: one of `columns` contains `text`, case-insensitive (`lower()` on both
 * dialects: PostgreSQL's LIKE is case-sensitive, SQLite's is not). Null columns never match.
 * @example query.where((eb) => anyContains(eb, ["users.email", "users.id"], "ada"))
 */
export function anyContains<DB, TB extends keyof DB>(
  eb: ExpressionBuilder<DB, TB>,
  columns: readonly string[],
  text: string,
) {
  const pattern = containsPattern(text);
  return eb.or(
    columns.map(
      (column) => sql<boolean>`lower(coalesce(${sql.ref(column)}, '')) like ${pattern} escape '\\'`,
    ),
  );
}

/** The opaque cursor of the row a page ended with: its sort key, e.g. `[at, id]`. */
export function encodeCursor(key: readonly [string, string]): string {
  return Buffer.from(JSON.stringify(key)).toString("base64url");
}

/**
 * Reads a cursor {@link encodeCursor} made.
 * @throws ProblemError `validation.failed` for anything else
 */
export function decodeCursor(cursor: string): [string, string] {
  try {
    const key = JSON.parse(Buffer.from(cursor, "base64url").toString()) as unknown;
    if (
      Array.isArray(key) &&
      key.length === 2 &&
      typeof key[0] === "string" &&
      typeof key[1] === "string"
    ) {
      return [key[0], key[1]];
    }
  } catch {
    // fall through
  }
  throw new ProblemError("validation.failed", { detail: "cursor is not one this API returned." });
}
