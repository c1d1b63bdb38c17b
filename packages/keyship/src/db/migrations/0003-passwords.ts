import type { KeyshipMigration, MigrationDb } from "./types.ts";

const TOKEN_TABLES = ["password_resets", "email_verifications"] as const;

/** Creates `password_resets` and `email_verifications` (DESIGN §3): single-use, hashed tokens. */
export const passwordsMigration: KeyshipMigration = (t) => ({
  async up(db: MigrationDb) {
    for (const table of TOKEN_TABLES) {
      await db.schema
        .createTable(table)
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
        .addColumn("token_hash", "text", (c) => c.notNull())
        .addColumn("expires_at", t.timestamp, (c) => c.notNull())
        .addColumn("used_at", t.timestamp)
        .addColumn("created_at", t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex(`${table}_token_hash_unique`)
        .on(table)
        .column("token_hash")
        .unique()
        .execute();
      await db.schema.createIndex(`${table}_user_id`).on(table).column("user_id").execute();
    }
  },
  async down(db: MigrationDb) {
    for (const table of [...TOKEN_TABLES].reverse()) await db.schema.dropTable(table).execute();
  },
});
