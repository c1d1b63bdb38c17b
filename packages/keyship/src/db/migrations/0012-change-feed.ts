import type { KeyshipMigration, MigrationDb } from "./types.ts";

/**
 * Creates `keyship_changes`: the change feed of SQLite deployments (a server and the CLI on
 * one file). Each row is one announced change; servers poll for rows after the last they saw,
 * and writers delete rows older than a minute. PostgreSQL carries changes with NOTIFY and
 * keeps the table empty; it exists on both dialects so the schema is one.
 */
export const changeFeedMigration: KeyshipMigration = (t) => ({
  async up(db: MigrationDb) {
    await db.schema
      .createTable("keyship_changes")
      .addColumn("seq", "integer", (c) =>
        t.dialect === "postgres"
          ? c.primaryKey().generatedByDefaultAsIdentity()
          : c.primaryKey().autoIncrement(),
      )
      .addColumn("origin", "text", (c) => c.notNull())
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("subject_id", "text", (c) => c.notNull())
      .addColumn("user_id", "text")
      .addColumn("at", t.timestamp, (c) => c.notNull())
      .execute();
  },
  async down(db: MigrationDb) {
    await db.schema.dropTable("keyship_changes").execute();
  },
});
