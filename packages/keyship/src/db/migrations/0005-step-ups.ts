import type { KeyshipMigration, MigrationDb } from "./types.ts";

/**
 * Creates `step_ups`: until when a device or a session counts as freshly re-authenticated.
 * The mark lives here, on the server, never in a claim the client could mint.
 */
export const stepUpsMigration: KeyshipMigration = (t) => ({
  async up(db: MigrationDb) {
    await db.schema
      .createTable("step_ups")
      .addColumn("subject_id", "text", (c) => c.primaryKey())
      .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
      .addColumn("until", t.timestamp, (c) => c.notNull())
      .addColumn("created_at", t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema.createIndex("step_ups_user_id").on("step_ups").column("user_id").execute();
  },
  async down(db: MigrationDb) {
    await db.schema.dropTable("step_ups").execute();
  },
});
