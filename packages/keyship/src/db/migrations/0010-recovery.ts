import type { KeyshipMigration, MigrationDb } from "./types.ts";

/**
 * Creates `recovery_codes` (single-use codes, keyed SHA-256 at rest), `recovery_links`
 * (emailed single-use recovery tokens) and `email_changes` (a pending new address and the
 * SHA-256 of the link that confirms it).
 */
export const recoveryMigration: KeyshipMigration = (t) => ({
  async up(db: MigrationDb) {
    await db.schema
      .createTable("recovery_codes")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
      .addColumn("code_hash", "text", (c) => c.notNull())
      .addColumn("created_at", t.timestamp, (c) => c.notNull())
      .addColumn("used_at", t.timestamp)
      .execute();
    await db.schema
      .createIndex("recovery_codes_user_hash")
      .on("recovery_codes")
      .columns(["user_id", "code_hash"])
      .unique()
      .execute();
    await db.schema
      .createTable("recovery_links")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
      .addColumn("token_hash", "text", (c) => c.notNull().unique())
      .addColumn("expires_at", t.timestamp, (c) => c.notNull())
      .addColumn("used_at", t.timestamp)
      .addColumn("created_at", t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("recovery_links_user_id")
      .on("recovery_links")
      .column("user_id")
      .execute();
    await db.schema
      .createTable("email_changes")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
      .addColumn("new_email", "text", (c) => c.notNull())
      .addColumn("token_hash", "text", (c) => c.notNull().unique())
      .addColumn("expires_at", t.timestamp, (c) => c.notNull())
      .addColumn("used_at", t.timestamp)
      .addColumn("created_at", t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("email_changes_user_id")
      .on("email_changes")
      .column("user_id")
      .execute();
  },
  async down(db: MigrationDb) {
    for (const table of ["email_changes", "recovery_links", "recovery_codes"]) {
      await db.schema.dropTable(table).execute();
    }
  },
});
