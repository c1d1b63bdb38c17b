/**
 * Audit events: the actions keyship records, the shape of a row, and what may go in `data`.
 * @module
 */

/**
 * Every action keyship itself records. Applications record their own with `logAction()`
 * (any dotted lower-case name, e.g. `invoice.refunded`).
 */
export const AUDIT_ACTIONS = [
  "user.signed_up",
  "user.signed_in",
  "user.sign_in_failed",
  "passkey.added",
  "passkey.renamed",
  "passkey.revoked",
  "device.bound",
  "device.revoked",
  "session.revoked",
  "session.refresh_reused",
  "dbsc.registered",
  "dbsc.registration_failed",
  "dbsc.refresh_failed",
  "password.changed",
  "password.reset_requested",
  "password.reset_completed",
  "email.verified",
  "user.role_changed",
  "user.scopes_changed",
  "user.disabled",
  "user.enabled",
  "stepup.succeeded",
  "stepup.failed",
  "ratelimit.tripped",
  "admin.impersonation_started",
  "admin.impersonation_ended",
  "apikey.created",
  "apikey.rolled",
  "apikey.revoked",
  "client.created",
  "client.secret_rotated",
  "client.deleted",
  "client.token_revoked",
  "client.refresh_reused",
  "client.auth_failed",
  "master.used",
  "user.email_changed",
  "account.recovery_codes_created",
  "account.recovered",
  "account.recovery_failed",
  "oauth.signed_in",
  "oauth.linked",
  "oauth.unlinked",
  "oauth.failed",
  "user.profile_updated",
  "user.deleted",
] as const;

/** One of keyship's own actions. */
export type KeyshipAuditAction = (typeof AUDIT_ACTIONS)[number];

/** The shape every action name has: dotted lower-case words, e.g. `passkey.added`. */
export const ACTION_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

/** Whether the action did what it tried to. */
export type AuditOutcome = "success" | "failure";

/** What an event is about: a user, a passkey, a device, a session, or the app's own kinds. */
export type AuditTargetType = "user" | "passkey" | "device" | "session" | (string & {});

/**
 * Who caused an event and from where: read from the request (`auditSourceOf(c)`), or
 * {@link CLI_SOURCE} for the command line.
 */
export interface AuditSource {
  /** The signed-in user, or null when anonymous (a failed sign-in). */
  readonly actorId: string | null;
  /** The admin behind an impersonation session, else null. */
  readonly impersonatorId: string | null;
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly traceId: string | null;
}

/** The source of changes made with the `keyship` CLI. */
export const CLI_SOURCE: AuditSource = {
  actorId: null,
  impersonatorId: null,
  ip: null,
  userAgent: "keyship-cli",
  traceId: null,
};

/** What a caller records; the source fills in who and where. */
export interface AuditEventInput {
  readonly action: KeyshipAuditAction | (string & {});
  /** @default "success" */
  readonly outcome?: AuditOutcome;
  readonly targetType?: AuditTargetType | undefined;
  readonly targetId?: string | undefined;
  /** Extra facts (never secrets or tokens: keys that look like one are dropped). */
  readonly data?: Readonly<Record<string, unknown>> | undefined;
  /** Overrides the source's actor, e.g. the new user of a sign-up. */
  readonly actorId?: string | null | undefined;
}

/** One audit row as the API returns it. */
export interface AuditEvent {
  readonly id: string;
  /** UTC, ISO-8601. */
  readonly at: string;
  readonly action: string;
  readonly outcome: AuditOutcome;
  readonly actorId: string | null;
  readonly impersonatorId: string | null;
  readonly targetType: string | null;
  readonly targetId: string | null;
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly traceId: string | null;
  readonly data: Record<string, unknown>;
}

/** Keys whose values are never stored in `data`, at any depth. */
const SECRET_KEY =
  /^pass$|password|passphrase|secret|token|authorization|cookie|api[-_]?key|private|^otp$|^code$/i;
/** The largest `data` kept, in characters of JSON; a larger one is replaced by a note. */
export const MAX_DATA_LENGTH = 4096;

function scrub(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== "object") {
    return typeof value === "string" ? value.slice(0, 512) : value;
  }
  if (depth > 4) return "[nested too deep]";
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (!SECRET_KEY.test(key) && v !== undefined) out[key] = scrub(v, depth + 1);
  }
  return out;
}

/**
 * The JSON stored in `data`: secret-looking keys dropped, strings capped at 512 characters,
 * the whole at {@link MAX_DATA_LENGTH}.
 * @example serializeAuditData({ method: "passkey", token: "…" }) // '{"method":"passkey"}'
 */
export function serializeAuditData(data: Readonly<Record<string, unknown>> | undefined): string {
  if (data === undefined) return "{}";
  const json = JSON.stringify(scrub(data, 0));
  return json.length <= MAX_DATA_LENGTH ? json : JSON.stringify({ truncated: true });
}

/**
 * Keys of `data` that hold personal data a user gave (a passkey's or API key's name, a device
 * label, an email address, a display name): dropped from their rows when the user is deleted.
 */
const PERSONAL_KEY = /^(name|label)$|e-?mail|display_?name/i;

/**
 * A stored `data` without its personal keys ({@link PERSONAL_KEY}) at the top level, and
 * `redacted: true` when any was dropped; unchanged text when there was none.
 * @param json a stored `data`
 * @example stripPersonalData('{"name":"Ada's phone","by":"admin"}') // '{"by":"admin","redacted":true}'
 */
export function stripPersonalData(json: string): string {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return "{}";
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) return json;
  const entries = Object.entries(value);
  const kept = entries.filter(([key]) => !PERSONAL_KEY.test(key));
  if (kept.length === entries.length) return json;
  return JSON.stringify({ ...Object.fromEntries(kept), redacted: true });
}
