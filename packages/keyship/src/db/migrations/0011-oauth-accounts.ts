import type { KeyshipMigration, MigrationDb } from "./types.ts";

/**
 * Creates `oauth_accounts` (provider accounts linked to users, unique per provider and
 * subject), `oauth_flows` (started OAuth/OIDC sign-ins: state, PKCE verifier, nonce; single
 * use) and `oauth_codes` (the one-time codes a callback hands the browser, stored as SHA-256).
 */
export const oauthAccountsMigration: KeyshipMigration = (t) => ({
  async up(db: MigrationDb) {
    await db.schema
      .createTable("oauth_accounts")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
      .addColumn("provider", "text", (c) => c.notNull())
      .addColumn("subject", "text", (c) => c.notNull())
      .addColumn("email", "text")
      .addColumn("email_verified", "integer", (c) => c.notNull())
      .addColumn("display_name", "text")
      .addColumn("created_at", t.timestamp, (c) => c.notNull())
      .addColumn("last_used_at", t.timestamp)
      .execute();
    await db.schema
      .createIndex("oauth_accounts_provider_subject_unique")
      .on("oauth_accounts")
      .columns(["provider", "subject"])
      .unique()
      .execute();
    await db.schema
      .createIndex("oauth_accounts_user_id")
      .on("oauth_accounts")
      .column("user_id")
      .execute();
    await db.schema
      .createTable("oauth_flows")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("provider", "text", (c) => c.notNull())
      .addColumn("purpose", "text", (c) => c.notNull())
      .addColumn("code_verifier", "text", (c) => c.notNull())
      .addColumn("nonce", "text")
      .addColumn("return_to", "text", (c) => c.notNull())
      .addColumn("user_id", "text", (c) => c.references("users.id").onDelete("cascade"))
      .addColumn("subject_id", "text")
      .addColumn("created_at", t.timestamp, (c) => c.notNull())
      .addColumn("expires_at", t.timestamp, (c) => c.notNull())
      .addColumn("consumed_at", t.timestamp)
      .execute();
    await db.schema
      .createIndex("oauth_flows_expires_at")
      .on("oauth_flows")
      .column("expires_at")
      .execute();
    await db.schema
      .createTable("oauth_codes")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("payload", "text", (c) => c.notNull())
      .addColumn("created_at", t.timestamp, (c) => c.notNull())
      .addColumn("expires_at", t.timestamp, (c) => c.notNull())
      .addColumn("consumed_at", t.timestamp)
      .execute();
    await db.schema
      .createIndex("oauth_codes_expires_at")
      .on("oauth_codes")
      .column("expires_at")
      .execute();
  },
  async down(db: MigrationDb) {
    await db.schema.dropTable("oauth_codes").execute();
    await db.schema.dropTable("oauth_flows").execute();
    await db.schema.dropTable("oauth_accounts").execute();
  },
});
