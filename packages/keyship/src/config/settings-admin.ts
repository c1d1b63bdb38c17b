/**
 * Settings of the audit log and the admin console.
 * @module
 */
import { boolFromString, intFromString, type SettingSpec } from "./parsers.ts";

/** Audit and admin settings; merged into {@link SETTINGS} in schema.ts. */
export const ADMIN_SETTINGS = {
  auditRetentionDays: {
    env: "KEYSHIP_AUDIT_RETENTION_DAYS",
    schema: intFromString(1, 36_500),
    default: 365,
    doc: "Days audit events are kept; the server deletes older ones once an hour (and at startup).",
  },
  adminEnabled: {
    env: "KEYSHIP_ADMIN_ENABLED",
    schema: boolFromString,
    default: true,
    doc: "Serve the admin console at `/admin` and its API at `/admin/api` (admins only; writes need a step-up).",
  },
} as const satisfies Record<string, SettingSpec>;
