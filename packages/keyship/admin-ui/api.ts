/**
 * The admin API, called through `client.fetch()`: every request carries this browser's device
 * token in `Authorization` (never a cookie, so no CSRF), and a write the server answers with
 * 401 `auth.step_up_required` runs the passkey step-up and is sent once more by the SDK.
 * @module
 */

import { isKeyshipError, type KeyshipClient, readProblem } from "@keyship/client";
import type {
  ActiveImpersonation,
  AdminUser,
  AuditEvent,
  AuditFilter,
  Overview,
  Page,
  StartedImpersonation,
  UserDetail,
  UserFilter,
} from "./types.ts";

/** One refused member of a `validation.failed` problem: its path (`fields.fullName`) and why. */
export interface FieldError {
  readonly path: string;
  readonly message: string;
}

/**
 * A refused admin API call: the problem's stable `code`, its status and generic text, and for
 * `validation.failed` the members the server refused.
 */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly title: string;
  readonly traceId: string | undefined;
  readonly errors: readonly FieldError[];

  constructor(init: {
    code: string;
    status: number;
    title?: string;
    detail?: string;
    traceId?: string;
    errors?: readonly FieldError[];
  }) {
    super(init.detail ?? init.title ?? init.code);
    this.name = "ApiError";
    this.code = init.code;
    this.status = init.status;
    this.title = init.title ?? init.code;
    this.traceId = init.traceId;
    this.errors = init.errors ?? [];
  }
}

/** What `PATCH /users/{id}/profile` takes: the display name and the fields to set. */
export interface ProfilePatch {
  readonly displayName?: string | null;
  readonly fields?: Readonly<Record<string, unknown>>;
}

/** A passkey, device or session: what the revoke routes take. */
export type CredentialKind = "passkeys" | "devices" | "sessions";

/** The calls the console makes. */
export interface AdminApi {
  overview(): Promise<Overview>;
  users(filter: UserFilter, limit: number): Promise<Page<AdminUser>>;
  user(id: string): Promise<UserDetail>;
  updateUser(
    id: string,
    patch: { role?: AdminUser["role"]; scopes?: string[] },
  ): Promise<AdminUser>;
  setDisabled(id: string, disabled: boolean): Promise<AdminUser>;
  updateProfile(id: string, patch: ProfilePatch): Promise<AdminUser>;
  deleteUser(id: string): Promise<void>;
  revokeSessions(id: string): Promise<{ devices: number; sessions: number }>;
  revoke(kind: CredentialKind, id: string): Promise<void>;
  audit(filter: AuditFilter, limit: number): Promise<Page<AuditEvent>>;
  /** The export as a file: its bytes and the name the server suggests. */
  exportAudit(
    filter: AuditFilter,
    format: "csv" | "ndjson",
  ): Promise<{ blob: Blob; filename: string }>;
  impersonate(id: string): Promise<StartedImpersonation>;
  impersonations(): Promise<{ items: readonly ActiveImpersonation[] }>;
  stopImpersonation(sessionId?: string): Promise<{ stopped: number }>;
}

type Query = Readonly<Record<string, string | number | undefined>>;

/**
 * The admin API under `base` (e.g. `/admin/api`).
 * @param client the signed-in keyship client
 * @param base the API's path
 */
export function createAdminApi(client: KeyshipClient, base: string): AdminApi {
  const send = async (method: string, path: string, query: Query = {}, body?: unknown) => {
    const url = new URL(`${base}${path}`, location.origin);
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined && value !== "") url.searchParams.set(name, String(value));
    }
    const headers: Record<string, string> = { accept: "application/json" };
    const init: RequestInit = { method, headers, cache: "no-store" };
    if (method !== "GET") {
      // The server takes JSON bodies only (415 otherwise), so every write sends one.
      headers["content-type"] = "application/json";
      init.body = JSON.stringify(body ?? {});
    }
    const response = await client.fetch(url, init);
    if (!response.ok) throw await apiErrorOf(response);
    return response;
  };
  const json = async <T>(method: string, path: string, query?: Query, body?: unknown) => {
    const response = await send(method, path, query, body);
    return (response.status === 204 ? undefined : await response.json()) as T;
  };
  const id = encodeURIComponent;
  return {
    overview: () => json("GET", "/overview"),
    users: (filter, limit) => json("GET", "/users", { ...filter, limit }),
    user: (userId) => json("GET", `/users/${id(userId)}`),
    updateUser: (userId, patch) => json("PATCH", `/users/${id(userId)}`, {}, patch),
    setDisabled: (userId, disabled) =>
      json("POST", `/users/${id(userId)}/${disabled ? "disable" : "enable"}`),
    updateProfile: (userId, patch) => json("PATCH", `/users/${id(userId)}/profile`, {}, patch),
    deleteUser: (userId) => json("DELETE", `/users/${id(userId)}`),
    revokeSessions: (userId) => json("POST", `/users/${id(userId)}/revoke-sessions`),
    revoke: (kind, itemId) => json("POST", `/${kind}/${id(itemId)}/revoke`),
    audit: (filter, limit) => json("GET", "/audit", { ...filter, limit }),
    async exportAudit(filter, format) {
      const { cursor: _cursor, ...filters } = filter;
      const response = await send("GET", "/audit/export", { ...filters, format });
      return { blob: await response.blob(), filename: filenameOf(response, format) };
    },
    impersonate: (userId) => json("POST", `/users/${id(userId)}/impersonate`),
    impersonations: () => json("GET", "/impersonation"),
    stopImpersonation: (sessionId) =>
      json("POST", "/impersonation/stop", {}, sessionId === undefined ? {} : { sessionId }),
  };
}

async function apiErrorOf(response: Response): Promise<ApiError> {
  const problem = await readProblem(response);
  return new ApiError({
    code: problem?.code ?? "client.unexpected_response",
    status: response.status,
    title: problem?.title,
    detail: problem?.detail,
    traceId: problem?.traceId,
    errors: problem === undefined ? [] : await fieldErrorsOf(response),
  });
}

/** The `errors` member of a problem (`validation.failed`), entries of the right shape only. */
async function fieldErrorsOf(response: Response): Promise<FieldError[]> {
  const body = (await response
    .clone()
    .json()
    .catch(() => null)) as { errors?: unknown } | null;
  if (!Array.isArray(body?.errors)) return [];
  return body.errors.filter(
    (entry): entry is FieldError =>
      typeof entry?.path === "string" && typeof entry?.message === "string",
  );
}

/** The file name of `Content-Disposition`, else one of our own. */
function filenameOf(response: Response, format: string): string {
  const header = response.headers.get("content-disposition") ?? "";
  const match = /filename="?([\w.-]+)"?/i.exec(header);
  return match?.[1] ?? `keyship-audit.${format}`;
}

/** What the console says about the ones it knows; everything else shows the server's text. */
const MESSAGES: Readonly<Record<string, string>> = {
  "user.last_admin": "This is the last active admin. Promote someone else first.",
  "auth.forbidden": "This action is not allowed.",
  "resource.not_found": "It does not exist (any more).",
  rate_limited: "Too many attempts. Wait a moment and try again.",
  "webauthn.not_allowed": "The passkey check was cancelled or timed out. Nothing was changed.",
  "client.network_error": "The server could not be reached.",
};

/** A user-facing sentence for anything an API call or the SDK threw. */
export function describeError(error: unknown): string {
  const code = error instanceof ApiError || isKeyshipError(error) ? error.code : undefined;
  if (code !== undefined && code in MESSAGES) return MESSAGES[code] as string;
  if (error instanceof ApiError && error.errors.length > 0) {
    const named = error.errors.map((e) => `${e.path.replace(/^fields\./, "")}: ${e.message}`);
    return `Not saved. ${named.join("; ")}`;
  }
  if (error instanceof ApiError) return `${error.message} (${error.code})`;
  if (isKeyshipError(error)) return error.detail;
  return "Something went wrong.";
}
