/**
 * The shapes of the admin API's answers (`/admin/api`, docs/admin.md), as the console reads
 * them. Timestamps are ISO-8601 strings.
 * @module
 */

import type { AuditEvent } from "../src/audit/model.ts";

export type { AuditEvent };

/** A user as the admin API lists it. */
export interface AdminUser {
  readonly id: string;
  readonly email: string | null;
  readonly displayName: string | null;
  readonly role: "user" | "admin";
  readonly scopes: readonly string[];
  readonly disabled: boolean;
  readonly createdAt: string;
  readonly lastSignInAt: string | null;
  /** The app-defined fields (`user.fields`), `{}` without any. */
  readonly fields: Readonly<Record<string, unknown>>;
}

/** A page of a cursor-paged list. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor: string | null;
}

/** `GET /admin/api/overview`. */
export interface Overview {
  readonly users: { readonly total: number; readonly admins: number; readonly disabled: number };
  readonly today: {
    readonly signIns: number;
    readonly signInFailures: number;
    readonly signUps: number;
  };
  /** The start of the UTC day the `today` figures count from. */
  readonly since: string;
}

export interface AdminPasskey {
  readonly id: string;
  readonly name: string | null;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
  readonly revokedAt: string | null;
  readonly backedUp: boolean;
}

export interface AdminDevice {
  readonly id: string;
  readonly label: string | null;
  readonly userAgent: string | null;
  readonly createdAt: string;
  readonly lastSeenAt: string | null;
  readonly revokedAt: string | null;
}

export interface AdminSession {
  readonly id: string;
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly impersonatorId: string | null;
}

/** `GET /admin/api/users/{id}`. */
export interface UserDetail {
  readonly user: AdminUser;
  readonly passkeys: readonly AdminPasskey[];
  readonly devices: readonly AdminDevice[];
  readonly sessions: readonly AdminSession[];
  readonly events: readonly AuditEvent[];
  /** The app-defined fields as JSON Schema (an object schema; no properties without any). */
  readonly fieldSchema: FieldSchema;
  /** The fields users may not set themselves: only admins change them. */
  readonly adminOnlyFields: readonly string[];
}

/** The JSON Schema (draft 2020-12, as zod writes it) of one app-defined field. */
export interface FieldSchema {
  readonly type?: string | readonly string[];
  readonly enum?: readonly unknown[];
  readonly description?: string;
  readonly default?: unknown;
  readonly properties?: Readonly<Record<string, FieldSchema>>;
  readonly required?: readonly string[];
  readonly anyOf?: readonly FieldSchema[];
}

/** `POST /admin/api/users/{id}/impersonate` (201). */
export interface StartedImpersonation {
  readonly sessionId: string;
  readonly accessToken: string;
  readonly tokenType: "Bearer";
  readonly expiresIn: number;
  readonly expiresAt: string;
  readonly user: AdminUser;
}

/** One of this admin's active impersonations (`GET /admin/api/impersonation`). */
export interface ActiveImpersonation {
  readonly sessionId: string;
  readonly userId: string;
  readonly email: string | null;
  readonly displayName: string | null;
  readonly expiresAt: string;
}

/** The list filters of `GET /admin/api/users`. */
export interface UserFilter {
  readonly q?: string;
  readonly role?: string;
  readonly disabled?: string;
  readonly cursor?: string;
}

/** The filters of `GET /admin/api/audit` and its export. */
export interface AuditFilter {
  readonly actor?: string;
  readonly action?: string;
  readonly target?: string;
  readonly outcome?: string;
  readonly from?: string;
  readonly to?: string;
  readonly q?: string;
  readonly cursor?: string;
}
