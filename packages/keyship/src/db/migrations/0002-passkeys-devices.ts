import type { KeyshipMigration, MigrationDb } from "./types.ts";

/** Creates `passkeys`, `devices` and `webauthn_challenges` (DESIGN §3). */
export const passkeysDevicesMigration: KeyshipMigration = (t) => ({
  async up(db: MigrationDb) {
    await db.schema
      .createTable("passkeys")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
      .addColumn("credential_id", "text", (c) => c.notNull())
      .addColumn("public_key", "text", (c) => c.notNull())
      .addColumn("counter", "bigint", (c) => c.notNull().defaultTo(0))
      .addColumn("transports", "text", (c) => c.notNull().defaultTo("[]"))
      .addColumn("aaguid", "text", (c) => c.notNull())
      .addColumn("backed_up", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("backup_eligible", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("created_at", t.timestamp, (c) => c.notNull())
      .addColumn("last_used_at", t.timestamp)
      .addColumn("revoked_at", t.timestamp)
      .execute();
    await db.schema
      .createIndex("passkeys_credential_id_unique")
      .on("passkeys")
      .column("credential_id")
      .unique()
      .execute();
    await db.schema.createIndex("passkeys_user_id").on("passkeys").column("user_id").execute();

    await db.schema
      .createTable("devices")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
      .addColumn("public_jwk", "text", (c) => c.notNull())
      .addColumn("label", "text", (c) => c.notNull())
      .addColumn("user_agent", "text", (c) => c.notNull())
      .addColumn("created_at", t.timestamp, (c) => c.notNull())
      .addColumn("last_seen_at", t.timestamp)
      .addColumn("revoked_at", t.timestamp)
      .execute();
    await db.schema.createIndex("devices_user_id").on("devices").column("user_id").execute();

    await db.schema
      .createTable("webauthn_challenges")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("purpose", "text", (c) => c.notNull())
      .addColumn("challenge", "text", (c) => c.notNull())
      .addColumn("user_id", "text", (c) => c.references("users.id").onDelete("cascade"))
      .addColumn("data", "text", (c) => c.notNull().defaultTo("{}"))
      .addColumn("created_at", t.timestamp, (c) => c.notNull())
      .addColumn("expires_at", t.timestamp, (c) => c.notNull())
      .addColumn("consumed_at", t.timestamp)
      .execute();
    await db.schema
      .createIndex("webauthn_challenges_expires_at")
      .on("webauthn_challenges")
      .column("expires_at")
      .execute();
  },
  async down(db: MigrationDb) {
    await db.schema.dropTable("webauthn_challenges").execute();
    await db.schema.dropTable("devices").execute();
    await db.schema.dropTable("passkeys").execute();
  },
});
