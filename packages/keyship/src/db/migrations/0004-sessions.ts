import type { KeyshipMigration, MigrationDb } from "./types.ts";

/** Creates `sessions`: one row per refresh token, grouped in families (DESIGN §3). */
export const sessionsMigration: KeyshipMigration = (t) => ({
  async up(db: MigrationDb) {
    await db.schema
      .createTable("sessions")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
      .addColumn("family_id", "text", (c) => c.notNull())
      .addColumn("refresh_hash", "text", (c) => c.notNull())
      .addColumn("ip", "text", (c) => c.notNull())
      .addColumn("user_agent", "text", (c) => c.notNull())
      .addColumn("created_at", t.timestamp, (c) => c.notNull())
      .addColumn("expires_at", t.timestamp, (c) => c.notNull())
      .addColumn("rotated_at", t.timestamp)
      .addColumn("revoked_at", t.timestamp)
      .execute();
    await db.schema
      .createIndex("sessions_refresh_hash_unique")
      .on("sessions")
      .column("refresh_hash")
      .unique()
      .execute();
    await db.schema.createIndex("sessions_family_id").on("sessions").column("family_id").execute();
    await db.schema.createIndex("sessions_user_id").on("sessions").column("user_id").execute();
  },
  async down(db: MigrationDb) {
    await db.schema.dropTable("sessions").execute();
  },
});
