import type { KeyshipMigration, MigrationDb } from "./types.ts";

/**
 * Adds `users.fields`: the app-defined user fields (`keyship({ user: { fields } })`) as one
 * JSON object in text, `{}` by default, on both dialects. One column rather than one per
 * field: the app's schema can change without a migration of keyship's, and the values are
 * written and deleted with the user row (docs/architecture.md, Decisions).
 */
export const userFieldsMigration: KeyshipMigration = () => ({
  async up(db: MigrationDb) {
    await db.schema
      .alterTable("users")
      .addColumn("fields", "text", (c) => c.notNull().defaultTo("{}"))
      .execute();
  },
  async down(db: MigrationDb) {
    await db.schema.alterTable("users").dropColumn("fields").execute();
  },
});
