/**
 * Column types that differ by dialect, for migrations. Everything else is portable SQL.
 * @module
 */
import type { Kysely, Migration } from "kysely";
import type { DialectName } from "../schema.ts";

/** Column types of one dialect. */
export interface ColumnTypes {
  /** A UTC timestamp: `timestamptz` on PostgreSQL, ISO-8601 `text` on SQLite. */
  readonly timestamp: "timestamptz" | "text";
  /** The dialect, for the rare column that needs its own syntax (an identity column). */
  readonly dialect: DialectName;
}

/** The column types for `dialect`. */
export function columnTypes(dialect: DialectName): ColumnTypes {
  return { timestamp: dialect === "postgres" ? "timestamptz" : "text", dialect };
}

/** A migration that knows the dialect it runs on. */
export type KeyshipMigration = (types: ColumnTypes) => Migration;

/** The untyped Kysely migrations run against (the schema is what they build). */
// biome-ignore lint/suspicious/noExplicitAny: migrations run before the typed schema exists
export type MigrationDb = Kysely<any>;
