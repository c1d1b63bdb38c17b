import { sql } from "kysely";
import type { KeyshipMigration, MigrationDb } from "./types.ts";

/**
 * Creates `oauth_clients` (registered machine clients, secrets stored as SHA-256 only) and
 * `client_sessions` (their refresh-token families). Client families get their own table: the
 * `sessions` rows belong to users (a foreign key), and every user-session query would
 * otherwise have to leave clients out.
 */
export const oauthClientsMigration: KeyshipMigration = (t) => ({
  async up(db: MigrationDb) {
    await db.schema
      .createTable("oauth_clients")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("secret_hash", "text", (c) => c.notNull())
      .addColumn("scopes", "text", (c) => c.notNull())
      .addColumn("allow_refresh", "integer", (c) => c.notNull())
      .addColumn("family_id", "text", (c) => c.notNull())
      .addColumn("created_at", t.timestamp, (c) => c.notNull())
      .addColumn("secret_rotated_at", t.timestamp)
      .addColumn("deleted_at", t.timestamp)
      .execute();
    // A deleted client frees its name: unique among the live ones only (partial index, both
    // dialects).
    await db.schema
      .createIndex("oauth_clients_live_name_unique")
      .on("oauth_clients")
      .column("name")
      .unique()
      .where(sql.ref("deleted_at"), "is", null)
      .execute();
    await db.schema
      .createIndex("oauth_clients_family_id")
      .on("oauth_clients")
      .column("family_id")
      .execute();
    await db.schema
      .createTable("client_sessions")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("client_id", "text", (c) =>
        c.notNull().references("oauth_clients.id").onDelete("cascade"),
      )
      .addColumn("family_id", "text", (c) => c.notNull())
      .addColumn("refresh_hash", "text", (c) => c.notNull())
      .addColumn("scopes", "text", (c) => c.notNull())
      .addColumn("created_at", t.timestamp, (c) => c.notNull())
      .addColumn("expires_at", t.timestamp, (c) => c.notNull())
      .addColumn("rotated_at", t.timestamp)
      .addColumn("revoked_at", t.timestamp)
      .execute();
    await db.schema
      .createIndex("client_sessions_refresh_hash_unique")
      .on("client_sessions")
      .column("refresh_hash")
      .unique()
      .execute();
    await db.schema
      .createIndex("client_sessions_family_id")
      .on("client_sessions")
      .column("family_id")
      .execute();
    await db.schema
      .createIndex("client_sessions_client_id")
      .on("client_sessions")
      .column("client_id")
      .execute();
  },
  async down(db: MigrationDb) {
    await db.schema.dropTable("client_sessions").execute();
    await db.schema.dropTable("oauth_clients").execute();
  },
});
