import type { KeyshipMigration, MigrationDb } from "./types.ts";

/** Creates `users` (DESIGN §3). */
export const usersMigration: KeyshipMigration = (t) => ({
  async up(db: MigrationDb) {
    await db.schema
      .createTable("users")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("email", "text")
      .addColumn("display_name", "text")
      .addColumn("role", "text", (c) => c.notNull().defaultTo("user"))
      .addColumn("scopes", "text", (c) => c.notNull().defaultTo("[]"))
      .addColumn("password_hash", "text")
      .addColumn("email_verified_at", t.timestamp)
      .addColumn("disabled_at", t.timestamp)
      .addColumn("created_at", t.timestamp, (c) => c.notNull())
      .addColumn("updated_at", t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("users_email_unique")
      .on("users")
      .column("email")
      .unique()
      .execute();
  },
  async down(db: MigrationDb) {
    await db.schema.dropTable("users").execute();
  },
});
