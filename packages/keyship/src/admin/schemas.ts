/**
 * Request and response schemas of the admin API (the only schema source, STYLE 5).
 * @module
 */
import { z } from "@hono/zod-openapi";
import { SCOPE_PATTERN } from "../users/model.ts";
import { displayNameField } from "../users/schemas.ts";

const iso = z.string().openapi({ format: "date-time" });
const isoOrNull = iso.nullable();

export const AdminUserSchema = z
  .object({
    id: z.string(),
    email: z.string().nullable(),
    displayName: z.string().nullable(),
    role: z.enum(["user", "admin"]),
    scopes: z.array(z.string()),
    disabled: z.boolean(),
    createdAt: iso,
    lastSignInAt: isoOrNull,
    fields: z
      .record(z.string(), z.unknown())
      .openapi({ description: "The app-defined fields (`user.fields`); {} without any." }),
  })
  .openapi("AdminUser");

export const AuditEventSchema = z
  .object({
    id: z.string(),
    at: iso,
    action: z.string(),
    outcome: z.enum(["success", "failure"]),
    actorId: z.string().nullable(),
    impersonatorId: z.string().nullable(),
    targetType: z.string().nullable(),
    targetId: z.string().nullable(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    traceId: z.string().nullable(),
    data: z.record(z.string(), z.unknown()),
  })
  .openapi("AuditEvent");

/** `{ items, nextCursor }` of `item`. */
function pageOf<T extends z.ZodType>(name: string, item: T) {
  return z
    .object({
      items: z.array(item),
      nextCursor: z
        .string()
        .nullable()
        .openapi({ description: "Pass as `cursor` for the next page; null on the last one." }),
    })
    .openapi(name);
}

export const AdminUserPageSchema = pageOf("AdminUserPage", AdminUserSchema);
export const AuditPageSchema = pageOf("AuditPage", AuditEventSchema);

export const AdminUserDetailSchema = z
  .object({
    user: AdminUserSchema,
    passkeys: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        createdAt: iso,
        lastUsedAt: isoOrNull,
        revokedAt: isoOrNull,
        backedUp: z.boolean(),
      }),
    ),
    devices: z.array(
      z.object({
        id: z.string(),
        label: z.string(),
        userAgent: z.string(),
        createdAt: iso,
        lastSeenAt: isoOrNull,
        revokedAt: isoOrNull,
      }),
    ),
    sessions: z.array(
      z.object({
        id: z.string(),
        ip: z.string(),
        userAgent: z.string(),
        createdAt: iso,
        expiresAt: iso,
        impersonatorId: z.string().nullable(),
      }),
    ),
    events: z.array(AuditEventSchema),
    fieldSchema: z.record(z.string(), z.unknown()).openapi({
      description: "The app-defined fields as JSON Schema (the console builds its form from it).",
    }),
    adminOnlyFields: z.array(z.string()).openapi({
      description: "The fields users may not set themselves (`user.adminOnly`).",
    }),
  })
  .openapi("AdminUserDetail");

export const OverviewSchema = z
  .object({
    users: z.object({ total: z.number(), admins: z.number(), disabled: z.number() }),
    today: z.object({ signIns: z.number(), signInFailures: z.number(), signUps: z.number() }),
    since: iso,
  })
  .openapi("AdminOverview");

const limit = (max: number, fallback: number) =>
  z.coerce.number().int().min(1).max(max).default(fallback).openapi({ type: "integer" });
const cursor = z.string().max(512).optional();
const text = z.string().trim().max(200).optional();

export const UsersQuery = z
  .object({
    q: text.openapi({ description: "Text in the id, email or display name." }),
    role: z.enum(["user", "admin"]).optional(),
    disabled: z
      .enum(["true", "false"])
      .optional()
      .transform((v) => (v === undefined ? undefined : v === "true")),
    limit: limit(100, 50),
    cursor,
  })
  .strict();

const instant = z.iso
  .datetime({ offset: true })
  .transform((v) => new Date(v).toISOString())
  .optional();

const auditFilterFields = {
  actor: text.openapi({ description: "The actor or the impersonator (a user id)." }),
  action: z
    .string()
    .regex(
      /^[a-z][a-z0-9_.]*(\.\*)?$/,
      "an action like passkey.revoked, or a prefix like passkey.*",
    )
    .max(100)
    .optional(),
  target: text.openapi({ description: "The target's id." }),
  outcome: z.enum(["success", "failure"]).optional(),
  from: instant.openapi({ description: "At or after (ISO-8601)." }),
  to: instant.openapi({ description: "Before (ISO-8601)." }),
  q: text.openapi({ description: "Text in the action, ids, IP, user agent or data." }),
};

export const AuditQuery = z
  .object({ ...auditFilterFields, limit: limit(500, 100), cursor })
  .strict();

export const AuditExportQuery = z
  .object({ ...auditFilterFields, format: z.enum(["csv", "ndjson"]).default("csv") })
  .strict();

export const UserIdParam = z.object({ id: z.string().max(64) });

export const UserPatchBody = z
  .object({
    role: z.enum(["user", "admin"]).optional(),
    scopes: z
      .array(z.string().regex(SCOPE_PATTERN, "a scope like billing:refund"))
      .max(100)
      .optional()
      .openapi({ description: "The complete new list; [] takes every scope away." }),
  })
  .strict()
  .openapi("AdminUserPatch");

export const EmptyBody = z.object({}).strict();

export const RevokedCounts = z
  .object({ devices: z.number(), sessions: z.number() })
  .openapi("RevokedCounts");

export const ImpersonationStarted = z
  .object({
    sessionId: z.string(),
    accessToken: z.string().openapi({ description: "Acts as the user until expiresAt." }),
    tokenType: z.literal("Bearer"),
    expiresIn: z.number().int(),
    expiresAt: iso,
    user: AdminUserSchema,
  })
  .openapi("ImpersonationStarted");

export const ImpersonationList = z
  .object({
    items: z.array(
      z.object({
        sessionId: z.string(),
        userId: z.string(),
        email: z.string().nullable(),
        displayName: z.string().nullable(),
        expiresAt: iso,
      }),
    ),
  })
  .openapi("ImpersonationList");

export const StopBody = z.object({ sessionId: z.string().max(64).optional() }).strict();
export const Stopped = z.object({ stopped: z.number().int() }).openapi("ImpersonationStopped");

/**
 * The body of `PATCH /admin/api/users/{id}/profile`: the display name and any app-defined
 * field (those users may not set included), each optional; unknown members are refused.
 * @param fields the instance's compiled fields
 */
export function profilePatchBody(fields: { readonly adminPatchSchema: z.ZodObject }) {
  return z
    .object({
      displayName: displayNameField
        .nullable()
        .optional()
        .openapi({ description: "The new display name; null removes it." }),
      fields: (fields.adminPatchSchema as z.ZodObject<Record<string, z.ZodOptional>>).optional(),
    })
    .strict()
    .openapi("AdminProfilePatch");
}
