/**
 * The ordered list of keyship migrations. Names sort in the order they run; never rename or
 * edit a published migration, add a new one.
 * @module
 */
import type { Migration } from "kysely";
import type { DialectName } from "../schema.ts";
import { usersMigration } from "./0001-users.ts";
import { passkeysDevicesMigration } from "./0002-passkeys-devices.ts";
import { passwordsMigration } from "./0003-passwords.ts";
import { sessionsMigration } from "./0004-sessions.ts";
import { stepUpsMigration } from "./0005-step-ups.ts";
import { auditEventsMigration } from "./0006-audit-events.ts";
import { apiKeysMigration } from "./0007-api-keys.ts";
import { oauthClientsMigration } from "./0008-oauth-clients.ts";
import { userFieldsMigration } from "./0009-user-fields.ts";
import { recoveryMigration } from "./0010-recovery.ts";
import { oauthAccountsMigration } from "./0011-oauth-accounts.ts";
import { changeFeedMigration } from "./0012-change-feed.ts";
import { sessionDpopMigration } from "./0013-session-dpop.ts";
import { dbscSessionsMigration } from "./0014-dbsc-sessions.ts";
import { columnTypes, type KeyshipMigration } from "./types.ts";

const MIGRATIONS: ReadonlyArray<readonly [string, KeyshipMigration]> = [
  ["0001-users", usersMigration],
  ["0002-passkeys-devices", passkeysDevicesMigration],
  ["0003-passwords", passwordsMigration],
  ["0004-sessions", sessionsMigration],
  ["0005-step-ups", stepUpsMigration],
  ["0006-audit-events", auditEventsMigration],
  ["0007-api-keys", apiKeysMigration],
  ["0008-oauth-clients", oauthClientsMigration],
  ["0009-user-fields", userFieldsMigration],
  ["0010-recovery", recoveryMigration],
  ["0011-oauth-accounts", oauthAccountsMigration],
  ["0012-change-feed", changeFeedMigration],
  ["0013-session-dpop", sessionDpopMigration],
  ["0014-dbsc-sessions", dbscSessionsMigration],
];

/** The migrations for `dialect`, keyed by name. */
export function keyshipMigrations(dialect: DialectName): Record<string, Migration> {
  const types = columnTypes(dialect);
  return Object.fromEntries(MIGRATIONS.map(([name, make]) => [name, make(types)]));
}
