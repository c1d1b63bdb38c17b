/**
 * The shapes the admin API answers with, and the context its services run in.
 * @module
 */
import type { AuditEvent } from "../audit/model.ts";
import type { KeyshipContext } from "../context.ts";
import type { UsersTable } from "../db/schema.ts";
import type { DeviceTokenVerifier } from "../devices/verifier.ts";
import type { Guards } from "../http/route-helpers.ts";
import type { UserFields } from "../users/fields.ts";
import { type Role, toUserView } from "../users/model.ts";

/** What admin services need: the instance's context and its caches to drop. */
export type AdminContext = KeyshipContext & {
  /** Forgets a device's cached keys (after revoking it). */
  readonly devices: Pick<DeviceTokenVerifier, "invalidateDevice">;
  /** Forgets every cached principal of a user: devices, sessions, API keys. */
  readonly invalidateUser: (userId: string) => void;
};

/** The guards of the admin routes. */
export interface AdminGuards {
  /** A signed-in admin. */
  readonly read: Guards;
  /** A signed-in admin who stepped up recently. */
  readonly write: Guards;
}

/** A user as the admin API lists them. */
export interface AdminUser {
  readonly id: string;
  readonly email: string | null;
  readonly displayName: string | null;
  readonly role: Role;
  readonly scopes: string[];
  readonly disabled: boolean;
  readonly createdAt: string;
  readonly lastSignInAt: string | null;
  /** The app-defined fields (`user.fields`), `{}` without any. */
  readonly fields: Record<string, unknown>;
}

/** A user's page in the console: the user, every credential and their recent events. */
export interface AdminUserDetail {
  readonly user: AdminUser;
  readonly passkeys: Array<{
    id: string;
    name: string;
    createdAt: string;
    lastUsedAt: string | null;
    revokedAt: string | null;
    backedUp: boolean;
  }>;
  readonly devices: Array<{
    id: string;
    label: string;
    userAgent: string;
    createdAt: string;
    lastSeenAt: string | null;
    revokedAt: string | null;
  }>;
  readonly sessions: Array<{
    id: string;
    ip: string;
    userAgent: string;
    createdAt: string;
    expiresAt: string;
    impersonatorId: string | null;
  }>;
  readonly events: AuditEvent[];
  /** The app-defined fields as JSON Schema. */
  readonly fieldSchema: Record<string, unknown>;
  /** The fields users may not set themselves (`user.adminOnly`): only admins change them. */
  readonly adminOnlyFields: string[];
}

/**
 * A user row as the admin API shows it.
 * @param row the row
 * @param lastSignInAt the last `user.signed_in` event's time, if any
 * @param fields the instance's compiled user fields, to read `users.fields`
 */
export function toAdminUser(
  row: UsersTable,
  lastSignInAt: string | null,
  fields: Pick<UserFields, "read">,
): AdminUser {
  const { emailVerifiedAt: _verified, disabledAt, ...user } = toUserView(row);
  return { ...user, disabled: disabledAt !== null, lastSignInAt, fields: fields.read(row.fields) };
}
