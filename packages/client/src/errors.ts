/**
 * `KeyshipError`: the one error class the SDK throws, and its parsing from problem responses.
 *
 * Server failures arrive as `application/problem+json` (RFC 9457) with a stable `code`;
 * failures that never reached the server, or whose answer was not a problem, get a
 * `client.*` or `webauthn.*` code of their own (as do problems with a code this SDK does not
 * know: `client.unexpected_response`). Callers switch on `code`, never on text.
 * @module
 */

/**
 * Codes the SDK itself produces (the server's codes, such as `token.expired` or
 * `passkey.last_passkey`, arrive unchanged from its problem responses).
 *
 * | code | when |
 * |---|---|
 * | `client.network_error` | the request never got an HTTP answer (offline, DNS, CORS refusal, TLS) |
 * | `client.unexpected_response` | an error answer that is not problem+json, or a success answer whose body is not the expected JSON |
 * | `client.not_signed_in` | a signed-in call while this browser holds no device key |
 * | `client.untrusted_origin` | `client.fetch()` aimed at an origin not listed in `apiOrigins` |
 * | `client.invalid_options` | `createKeyshipClient()` was given unusable options |
 * | `client.unsupported` | WebCrypto or IndexedDB is missing (e.g. insecure context) |
 * | `client.storage_failed` | the device key store failed to read or write |
 * | `webauthn.unsupported` | the browser has no WebAuthn |
 * | `webauthn.autofill_unsupported` | the browser has no passkey autofill (conditional UI) |
 * | `webauthn.autofill_input_missing` | `loginWithAutofill()` found no input for its selector |
 * | `webauthn.not_allowed` | the user cancelled, the prompt timed out, or no passkey matched |
 * | `webauthn.aborted` | another ceremony started and cancelled this one |
 * | `webauthn.already_registered` | the authenticator already holds a passkey for this account |
 * | `webauthn.failed` | any other authenticator or browser failure (see `cause`) |
 * @example
 * if (error instanceof KeyshipError && error.code === "client.network_error") showOfflineBanner();
 */
export type ClientErrorCode =
  | "client.network_error"
  | "client.unexpected_response"
  | "client.not_signed_in"
  | "client.untrusted_origin"
  | "client.invalid_options"
  | "client.unsupported"
  | "client.storage_failed"
  | "webauthn.unsupported"
  | "webauthn.autofill_unsupported"
  | "webauthn.autofill_input_missing"
  | "webauthn.not_allowed"
  | "webauthn.aborted"
  | "webauthn.already_registered"
  | "webauthn.failed";

/** Human-readable titles for {@link ClientErrorCode}s. Never switch on these. */
const CLIENT_TITLES: Readonly<Record<ClientErrorCode, string>> = {
  "client.network_error": "The server could not be reached.",
  "client.unexpected_response": "The server answered in an unexpected way.",
  "client.not_signed_in": "This browser is not signed in.",
  "client.untrusted_origin": "Tokens are not sent to this origin.",
  "client.invalid_options": "The client options are not valid.",
  "client.unsupported": "This browser lacks a required feature.",
  "client.storage_failed": "The device key could not be stored or read.",
  "webauthn.unsupported": "This browser does not support passkeys.",
  "webauthn.autofill_unsupported": "This browser does not offer passkeys in autofill.",
  "webauthn.autofill_input_missing": "No input matches the autofill selector.",
  "webauthn.not_allowed": "The passkey prompt was cancelled or timed out.",
  "webauthn.aborted": "The passkey prompt was replaced by another one.",
  "webauthn.already_registered": "This authenticator already holds a passkey for the account.",
  "webauthn.failed": "The passkey operation failed.",
};

/**
 * Every code the keyship server answers with: its catalogue (`PROBLEM_CATALOG`, listed in
 * docs/errors.md). A test in the server package fails when the two drift apart.
 */
export const SERVER_ERROR_CODES = [
  "validation.failed",
  "request.malformed_json",
  "request.unsupported_media_type",
  "request.body_too_large",
  "route.not_found",
  "route.method_not_allowed",
  "resource.not_found",
  "internal.error",
  "health.database_unavailable",
  "service_unavailable",
  "rate_limited",
  "auth.unauthenticated",
  "auth.forbidden",
  "auth.invalid_credentials",
  "auth.csrf_failed",
  "auth.step_up_required",
  "auth.step_up_no_passkey",
  "passkey.challenge_invalid",
  "passkey.verification_failed",
  "passkey.user_verification_required",
  "passkey.unknown_credential",
  "passkey.counter_regression",
  "passkey.already_registered",
  "passkey.last_passkey",
  "passkey.email_taken",
  "user.last_admin",
  "admin.cannot_impersonate",
  "device.invalid_public_key",
  "token.expired",
  "token.invalid",
  "token.revoked",
  "token.wrong_type",
  "token.refresh_reused",
  "dpop.invalid_proof",
  "dpop.proof_required",
  "dpop.key_mismatch",
  "dbsc.unavailable",
  "dbsc.invalid_proof",
  "dbsc.challenge_invalid",
  "dbsc.challenge_required",
  "dbsc.proof_refused",
  "dbsc.bound_cookie_required",
  "dpop.use_nonce",
  "dpop.nonce_required",
  "password.disabled",
  "password.too_short",
  "password.too_long",
  "password.token_invalid",
  "password.email_unverified",
  "password.email_taken",
  "client.name_taken",
  "oauth.invalid_request",
  "oauth.invalid_client",
  "oauth.invalid_grant",
  "oauth.unauthorized_client",
  "oauth.unsupported_grant_type",
  "oauth.invalid_scope",
  "recovery.code_invalid",
  "recovery.link_invalid",
  "recovery.no_email",
  "email_change.token_invalid",
  "oauth.provider_unknown",
  "oauth.return_to_invalid",
  "oauth.state_invalid",
  "oauth.access_denied",
  "oauth.provider_error",
  "oauth.verification_failed",
  "oauth.code_invalid",
  "oauth.account_link_required",
  "oauth.already_linked",
  "oauth.last_sign_in_method",
] as const;

/** A code of the keyship server's problem responses, e.g. `"token.expired"`. */
export type ServerErrorCode = (typeof SERVER_ERROR_CODES)[number];

const SERVER_CODES: ReadonlySet<string> = new Set(SERVER_ERROR_CODES);

/**
 * A code carried by a {@link KeyshipError}: one of the SDK's {@link ClientErrorCode}s or one
 * of the server's {@link ServerErrorCode}s. A closed union: `switch` on it is checked.
 * @example
 * const retryable: KeyshipErrorCode[] = ["client.network_error", "rate_limited"];
 */
export type KeyshipErrorCode = ClientErrorCode | ServerErrorCode;

/**
 * One failing field of a `validation.failed` answer: its path (`fullName`, `items.0.name`)
 * and the server's message. Never the submitted value.
 * @example
 * const problem: FieldError = { path: "organizationId", message: "Too small" };
 */
export interface FieldError {
  readonly path: string;
  readonly message: string;
}

/**
 * The fields of a {@link KeyshipError}, as accepted by its constructor.
 * @example
 * new KeyshipError({ code: "client.unexpected_response", status: 502 });
 */
export interface KeyshipErrorInit {
  /** The stable code to switch on. */
  readonly code: KeyshipErrorCode;
  /** The HTTP status, or `0` when no HTTP answer was involved. @default 0 */
  readonly status?: number;
  /** A short, generic summary. @default the code's title, or the code itself */
  readonly title?: string;
  /** A generic, user-safe sentence. @default the title */
  readonly detail?: string;
  /** The server's `trace_id`, to quote when reporting a problem. @default undefined */
  readonly traceId?: string;
  /** The problem `type` URI. @default undefined */
  readonly type?: string;
  /** The failing fields of a `validation.failed` answer. @default [] */
  readonly errors?: readonly FieldError[];
  /** The underlying error, for debugging only. @default undefined */
  readonly cause?: unknown;
}

/**
 * The error every `@keyship/client` operation rejects with.
 *
 * @example
 * try {
 *   await client.revokePasskey(id);
 * } catch (error) {
 *   if (error instanceof KeyshipError && error.code === "passkey.last_passkey") {
 *     showMessage("Add another passkey before removing this one.");
 *   } else throw error;
 * }
 */
export class KeyshipError extends Error {
  /** The stable code to switch on, e.g. `"token.expired"` or `"client.network_error"`. */
  readonly code: KeyshipErrorCode;
  /** The HTTP status of the answer, or `0` when the failure happened in the browser. */
  readonly status: number;
  /** A short, generic summary. */
  readonly title: string;
  /** A generic, user-safe sentence. */
  readonly detail: string;
  /** The server's trace id (`trace_id`), when the server answered with one. */
  readonly traceId: string | undefined;
  /** The problem `type` URI, when the server answered with one. */
  readonly type: string | undefined;
  /**
   * The failing fields of a `validation.failed` answer (empty otherwise), to show each
   * message beside its field.
   */
  readonly errors: readonly FieldError[];

  /**
   * @param init the code and, optionally, the other fields
   * @example
   * throw new KeyshipError({ code: "client.not_signed_in" });
   */
  constructor(init: KeyshipErrorInit) {
    const title = init.title ?? titleOf(init.code);
    const detail = init.detail ?? title;
    super(detail, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = "KeyshipError";
    this.code = init.code;
    this.status = init.status ?? 0;
    this.title = title;
    this.detail = detail;
    this.traceId = init.traceId;
    this.type = init.type;
    this.errors = init.errors ?? [];
  }
}

function titleOf(code: KeyshipErrorCode): string {
  return Object.hasOwn(CLIENT_TITLES, code) ? CLIENT_TITLES[code as ClientErrorCode] : code;
}

/**
 * True when `error` is a {@link KeyshipError}, optionally with the given code.
 *
 * @param error anything caught
 * @param code the code to match; any code when omitted
 * @example
 * if (isKeyshipError(error, "webauthn.not_allowed")) return; // the user closed the prompt
 */
export function isKeyshipError(error: unknown, code?: KeyshipErrorCode): error is KeyshipError {
  return error instanceof KeyshipError && (code === undefined || error.code === code);
}

/**
 * The members of a problem+json body the SDK reads.
 * @example
 * const problem: ProblemDetails | undefined = await readProblem(response);
 */
export interface ProblemDetails {
  readonly type?: string;
  readonly title?: string;
  readonly status?: number;
  readonly detail?: string;
  readonly code: string;
  readonly traceId?: string;
  /** `validation.failed`: the failing fields; entries of another shape are dropped. */
  readonly errors?: readonly FieldError[];
}

function fieldErrorsOf(value: unknown): FieldError[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.flatMap((entry: unknown) => {
    if (typeof entry !== "object" || entry === null) return [];
    const { path, message } = entry as Record<string, unknown>;
    return typeof path === "string" && typeof message === "string" ? [{ path, message }] : [];
  });
}

/**
 * Reads the problem body of a response without consuming it (it reads a clone).
 * Returns `undefined` when the response is not `application/problem+json` with a string `code`.
 *
 * @param response any fetch response
 * @example
 * const problem = await readProblem(response);
 * if (problem?.code === "token.expired") retry();
 */
export async function readProblem(response: Response): Promise<ProblemDetails | undefined> {
  const contentType = response.headers.get("content-type") ?? "";
  // RFC 9457 §3: a problem document is identified by its media type.
  if (!contentType.toLowerCase().includes("application/problem+json")) return undefined;
  let body: unknown;
  try {
    body = await response.clone().json();
  } catch {
    return undefined;
  }
  if (typeof body !== "object" || body === null) return undefined;
  const record = body as Record<string, unknown>;
  if (typeof record.code !== "string" || record.code === "") return undefined;
  const traceId = stringOrUndefined(record.trace_id) ?? stringOrUndefined(record.traceId);
  return {
    code: record.code,
    type: stringOrUndefined(record.type),
    title: stringOrUndefined(record.title),
    status: typeof record.status === "number" ? record.status : undefined,
    detail: stringOrUndefined(record.detail),
    traceId,
    errors: fieldErrorsOf(record.errors),
  };
}

/**
 * Builds the {@link KeyshipError} that describes an unsuccessful response: the server's
 * problem when it sent one, `client.unexpected_response` otherwise. The response body is
 * left unread.
 *
 * @param response a response whose status is not 2xx
 * @example
 * if (!response.ok) throw await errorFromResponse(response);
 */
export async function errorFromResponse(response: Response): Promise<KeyshipError> {
  const problem = await readProblem(response);
  // A code this SDK does not know (a newer server, or not keyship at all) is no promise.
  if (problem === undefined || !SERVER_CODES.has(problem.code)) {
    return new KeyshipError({ code: "client.unexpected_response", status: response.status });
  }
  return new KeyshipError({
    code: problem.code as ServerErrorCode,
    // The HTTP status wins over the body's copy: it is what the transport actually carried.
    status: response.status,
    title: problem.title,
    detail: problem.detail,
    traceId: problem.traceId,
    type: problem.type,
    errors: problem.errors,
  });
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
