import type { KeyshipMigration, MigrationDb } from "./types.ts";

/**
 * Creates `audit_events` (no foreign keys: rows outlive the users they name) and marks
 * impersonation sessions with `sessions.impersonator_id`.
 */
export const auditEventsMigration: KeyshipMigration = (t) => ({
  async up(db: MigrationDb) {
    await db.schema
      .createTable("audit_events")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("at", t.timestamp, (c) => c.notNull())
      .addColumn("action", "text", (c) => c.notNull())
      .addColumn("outcome", "text", (c) => c.notNull())
      .addColumn("actor_id", "text")
      .addColumn("impersonator_id", "text")
      .addColumn("target_type", "text")
      .addColumn("target_id", "text")
      .addColumn("ip", "text")
      .addColumn("user_agent", "text")
      .addColumn("trace_id", "text")
      .addColumn("data", "text", (c) => c.notNull())
      .execute();
    // Newest first everywhere; the filters an admin uses most narrow by actor, target, action.
    await db.schema
      .createIndex("audit_events_at")
      .on("audit_events")
      .columns(["at", "id"])
      .execute();
    for (const column of ["actor_id", "target_id", "action"]) {
      await db.schema
        .createIndex(`audit_events_${column}`)
        .on("audit_events")
        .columns([column, "at"])
        .execute();
    }
    await db.schema.alterTable("sessions").addColumn("impersonator_id", "text").execute();
  },
  async down(db: MigrationDb) {
    await db.schema.alterTable("sessions").dropColumn("impersonator_id").execute();
    await db.schema.dropTable("audit_events").execute();
  },
});
