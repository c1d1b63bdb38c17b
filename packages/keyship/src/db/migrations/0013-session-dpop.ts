import type { KeyshipMigration, MigrationDb } from "./types.ts";

/**
 * Adds `sessions.dpop_jkt`: the thumbprint of the DPoP key a session family is bound to
 * (RFC 9449), null for plain bearer and cookie sessions. Each refresh copies it to the
 * family's next row, and a refresh must prove the same key.
 */
export const sessionDpopMigration: KeyshipMigration = () => ({
  async up(db: MigrationDb) {
    await db.schema.alterTable("sessions").addColumn("dpop_jkt", "text").execute();
  },
  async down(db: MigrationDb) {
    await db.schema.alterTable("sessions").dropColumn("dpop_jkt").execute();
  },
});
