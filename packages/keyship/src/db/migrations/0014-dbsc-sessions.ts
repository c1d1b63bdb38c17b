import type { KeyshipMigration, MigrationDb } from "./types.ts";

/**
 * Creates `dbsc_sessions`: the public key a browser registered for a cookie session with
 * Device Bound Session Credentials (docs/dbsc.md), one row per session family, and the
 * session's one outstanding refresh challenge (stored as a SHA-256 hash).
 */
export const dbscSessionsMigration: KeyshipMigration = (t) => ({
  async up(db: MigrationDb) {
    await db.schema
      .createTable("dbsc_sessions")
      .addColumn("session_id", "text", (c) => c.primaryKey())
      .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
      .addColumn("algorithm", "text", (c) => c.notNull())
      .addColumn("public_jwk", "text", (c) => c.notNull())
      .addColumn("jkt", "text", (c) => c.notNull())
      .addColumn("created_at", t.timestamp, (c) => c.notNull())
      .addColumn("refreshed_at", t.timestamp)
      .addColumn("challenge_hash", "text")
      .addColumn("challenge_expires_at", t.timestamp)
      .execute();
    await db.schema
      .createIndex("dbsc_sessions_user_id")
      .on("dbsc_sessions")
      .column("user_id")
      .execute();
  },
  async down(db: MigrationDb) {
    await db.schema.dropTable("dbsc_sessions").execute();
  },
});
