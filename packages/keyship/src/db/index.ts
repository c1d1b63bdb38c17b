/**
 * Database helpers: open keyship's database, run or inspect its migrations, and the schema
 * types for queries of your own.
 * @module
 */
export { type OpenDatabase, openDatabase } from "./connect.ts";
export {
  MigrationError,
  type MigrationState,
  migrateToLatest,
  migrationStatus,
} from "./migrate.ts";
export type { Database, DB, DialectName } from "./schema.ts";
