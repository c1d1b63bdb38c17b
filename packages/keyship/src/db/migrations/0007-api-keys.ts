import type { KeyshipMigration, MigrationDb } from "./types.ts";

/**
 * Creates `api_keys`: one row per key, its secret stored as SHA-256 only. A roll keeps the
 * row (its id, name, scopes and rate-limit bucket) and moves the replaced hash to
 * `previous_hash`, valid until `previous_until` (docs/api-keys.md).
 */
export const apiKeysMigration: KeyshipMigration = (t) => ({
  async up(db: MigrationDb) {
    await db.schema
      .createTable("api_keys")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("prefix", "text", (c) => c.notNull())
      .addColumn("secret_hash", "text", (c) => c.notNull())
      .addColumn("previous_hash", "text")
      .addColumn("previous_until", t.timestamp)
      .addColumn("scopes", "text", (c) => c.notNull())
      .addColumn("created_at", t.timestamp, (c) => c.notNull())
      .addColumn("expires_at", t.timestamp)
      .addColumn("last_used_at", t.timestamp)
      .addColumn("revoked_at", t.timestamp)
      .execute();
    await db.schema
      .createIndex("api_keys_secret_hash_unique")
      .on("api_keys")
      .column("secret_hash")
      .unique()
      .execute();
    await db.schema
      .createIndex("api_keys_previous_hash")
      .on("api_keys")
      .column("previous_hash")
      .execute();
    await db.schema.createIndex("api_keys_user_id").on("api_keys").column("user_id").execute();
  },
  async down(db: MigrationDb) {
    await db.schema.dropTable("api_keys").execute();
  },
});
