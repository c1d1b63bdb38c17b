/**
 * The typed schema of every keyship table. Timestamps are ISO-8601 strings in UTC on both
 * dialects (SQLite stores text, PostgreSQL `timestamptz` read back as ISO text); JSON values
 * are stored as text. See docs/architecture.md for why.
 * @module
 */
import type { Kysely, Transaction } from "kysely";

/** `users`: one row per account. */
export interface UsersTable {
  id: string;
  /** Lower-cased, trimmed; unique when present. */
  email: string | null;
  display_name: string | null;
  /** `user` or `admin`. */
  role: string;
  /** JSON array of scope strings. */
  scopes: string;
  password_hash: string | null;
  email_verified_at: string | null;
  disabled_at: string | null;
  created_at: string;
  updated_at: string;
}

/** Every table keyship owns, keyed by table name. */
export interface Database {
  users: UsersTable;
}

/** A Kysely instance over keyship's schema. A `Transaction<Database>` is one too. */
export type DB = Kysely<Database>;

/** A transaction over keyship's schema. */
export type Trx = Transaction<Database>;

/** The SQL dialects keyship runs on. */
export type DialectName = "sqlite" | "postgres";
