/**
 * The closed catalogue of keyship error codes and the `ProblemError` that carries them.
 *
 * Every 4xx/5xx keyship answers is `application/problem+json` (RFC 9457) with a stable
 * `code` from this list. Clients switch on `code`, never on `title` or `detail`.
 * @module
 */

/** One entry of the catalogue: the HTTP status and the fixed, generic title for a code. */
export interface ProblemSpec {
  readonly status: number;
  readonly title: string;
}

/**
 * Every error code keyship can answer with, mapped to its status and title.
 * Codes are `area.snake_case`; a code never changes meaning once published.
 */
export const PROBLEM_CATALOG = {
  "validation.failed": { status: 400, title: "The request is not valid." },
  "request.malformed_json": { status: 400, title: "The request body is not valid JSON." },
  "request.unsupported_media_type": {
    status: 415,
    title: "The request body must be application/json.",
  },
  "request.body_too_large": { status: 413, title: "The request body is too large." },
  "route.not_found": { status: 404, title: "Not found." },
  "route.method_not_allowed": { status: 405, title: "Method not allowed." },
  "resource.not_found": { status: 404, title: "Not found." },
  "internal.error": { status: 500, title: "Internal server error." },
  "health.database_unavailable": { status: 503, title: "The database is unavailable." },
  service_unavailable: {
    status: 503,
    title: "The service is briefly unavailable; try again shortly.",
  },
  rate_limited: { status: 429, title: "Too many requests." },

  "auth.unauthenticated": { status: 401, title: "Authentication is required." },
  "auth.forbidden": { status: 403, title: "You are not allowed to do this." },
  "auth.invalid_credentials": { status: 401, title: "The credentials are not valid." },
  "auth.csrf_failed": { status: 403, title: "The request failed the cross-site check." },
  "auth.step_up_required": {
    status: 401,
    title: "This action needs a fresh sign-in with a passkey or the password.",
  },
  "auth.step_up_no_passkey": {
    status: 409,
    title: "The account has no passkey; step up with its password.",
  },

  "passkey.challenge_invalid": {
    status: 400,
    title: "The ceremony is unknown, expired or already used.",
  },
  "passkey.verification_failed": { status: 400, title: "The passkey could not be verified." },
  "passkey.user_verification_required": {
    status: 400,
    title: "User verification is required.",
  },
  "passkey.unknown_credential": { status: 401, title: "The passkey is not recognised." },
  "passkey.counter_regression": {
    status: 401,
    title: "The authenticator's signature counter went backwards.",
  },
  "passkey.already_registered": { status: 409, title: "This passkey is already registered." },
  "passkey.last_passkey": {
    status: 409,
    title: "The last sign-in method of an account cannot be revoked.",
  },
  "passkey.email_taken": { status: 409, title: "The account cannot be created." },

  "user.last_admin": {
    status: 409,
    title: "The last active admin cannot be demoted or disabled.",
  },
  "admin.cannot_impersonate": { status: 403, title: "This user cannot be impersonated." },

  "device.invalid_public_key": {
    status: 400,
    title: "The device public key must be an EC P-256 public JWK.",
  },

  "token.expired": { status: 401, title: "The token has expired." },
  "token.invalid": { status: 401, title: "The token is not valid." },
  "token.revoked": { status: 401, title: "The token has been revoked." },
  "token.wrong_type": { status: 401, title: "The token is of the wrong type." },
  "token.refresh_reused": { status: 401, title: "The refresh token was already used." },
  "dpop.invalid_proof": { status: 401, title: "The DPoP proof is not valid." },
  "dpop.proof_required": {
    status: 401,
    title: "The token is bound to a DPoP key: send it with a DPoP proof.",
  },
  "dpop.key_mismatch": {
    status: 401,
    title: "The DPoP proof is signed by another key than the token is bound to.",
  },
  "dpop.use_nonce": {
    status: 401,
    title: "Send a DPoP proof with the server's current nonce (the DPoP-Nonce header).",
  },
  "dpop.nonce_required": {
    status: 400,
    title: "Send a DPoP proof with the server's current nonce (the DPoP-Nonce header).",
  },

  "dbsc.unavailable": {
    status: 400,
    title: "Device bound sessions are not offered on this origin.",
  },
  "dbsc.invalid_proof": { status: 400, title: "The DBSC proof is not valid." },
  "dbsc.challenge_invalid": {
    status: 400,
    title: "The DBSC challenge is unknown, expired or already used.",
  },
  "dbsc.challenge_required": {
    status: 403,
    title: "Answer the challenge with a proof of the session key.",
  },
  "dbsc.proof_refused": {
    status: 403,
    title: "The proof is not signed by the session key; answer the new challenge.",
  },
  "dbsc.bound_cookie_required": {
    status: 401,
    title: "The session is device-bound: its short-lived bound cookie is missing or expired.",
  },

  "password.disabled": { status: 404, title: "Not found." },
  "password.too_short": { status: 400, title: "The password is too short." },
  "password.too_long": { status: 400, title: "The password is too long." },
  "password.token_invalid": { status: 400, title: "The link is invalid or has expired." },
  "password.email_unverified": { status: 403, title: "The email address is not verified." },
  "password.email_taken": { status: 409, title: "The account cannot be created." },

  "client.name_taken": { status: 409, title: "A client with this name already exists." },
  "oauth.invalid_request": {
    status: 400,
    title: "The request is missing a parameter, repeats one or is otherwise malformed.",
  },
  "oauth.invalid_client": { status: 401, title: "Client authentication failed." },
  "oauth.invalid_grant": {
    status: 400,
    title: "The grant is invalid, expired, revoked or was issued to another client.",
  },
  "oauth.unauthorized_client": {
    status: 400,
    title: "The client is not allowed to use this grant type.",
  },
  "oauth.unsupported_grant_type": { status: 400, title: "The grant type is not supported." },
  "oauth.invalid_scope": {
    status: 400,
    title: "The requested scope is invalid or exceeds the client's scopes.",
  },

  "recovery.code_invalid": {
    status: 401,
    title: "The email address or recovery code is not valid.",
  },
  "recovery.link_invalid": { status: 400, title: "The link is invalid or has expired." },
  "recovery.no_email": {
    status: 409,
    title: "Add an email address to the account before creating recovery codes.",
  },
  "email_change.token_invalid": { status: 400, title: "The link is invalid or has expired." },
  "oauth.provider_unknown": { status: 404, title: "This sign-in provider is not configured." },
  "oauth.return_to_invalid": {
    status: 400,
    title: "The return address must be on the app's origin.",
  },
  "oauth.state_invalid": {
    status: 400,
    title: "The sign-in is unknown, expired, already used or from another browser.",
  },
  "oauth.access_denied": { status: 403, title: "The provider did not grant the sign-in." },
  "oauth.provider_error": { status: 502, title: "The sign-in provider could not be reached." },
  "oauth.verification_failed": {
    status: 400,
    title: "The provider's answer could not be verified.",
  },
  "oauth.code_invalid": {
    status: 400,
    title: "The sign-in code is unknown, expired or already used.",
  },
  "oauth.account_link_required": {
    status: 409,
    title: "An account with this email exists; sign in to it and link this provider there.",
  },
  "oauth.already_linked": {
    status: 409,
    title: "This provider account is linked to another account.",
  },
  "oauth.last_sign_in_method": {
    status: 409,
    title: "The last way to sign in to an account cannot be unlinked.",
  },
} as const satisfies Record<string, ProblemSpec>;

/** A stable keyship error code, e.g. `"passkey.last_passkey"`. */
export type ProblemCode = keyof typeof PROBLEM_CATALOG;

/** The JSON body of every keyship error response (RFC 9457 plus `code` and `trace_id`). */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ProblemCode;
  trace_id: string;
  [extension: string]: unknown;
}

/** Options for {@link ProblemError}. */
export interface ProblemErrorOptions {
  /** A generic, user-safe sentence. Never attacker input, never a library's error text. @default the code's title */
  readonly detail?: string;
  /** Extra members of the problem body (e.g. `missing_scopes`). Must be safe to show. */
  readonly extensions?: Readonly<Record<string, unknown>>;
  /** Extra response headers (e.g. `WWW-Authenticate`, `Retry-After`). */
  readonly headers?: Readonly<Record<string, string>>;
  /** The precise reason, for the log only; never sent to the client. */
  readonly cause?: unknown;
  /**
   * A likely misconfiguration to tell the operator: logged as a warning (other refusals log at
   * debug). Never sent to the client.
   */
  readonly warning?: string;
}

/**
 * An error caused by untrusted input. The error handler turns it into a problem response
 * whose status and title come from {@link PROBLEM_CATALOG}.
 *
 * @example
 * throw new ProblemError("passkey.last_passkey");
 * @throws never; it is what you throw.
 */
export class ProblemError extends Error {
  readonly code: ProblemCode;
  readonly status: number;
  readonly detail: string;
  readonly extensions: Readonly<Record<string, unknown>>;
  readonly headers: Readonly<Record<string, string>>;
  /** A misconfiguration to log as a warning (see {@link ProblemErrorOptions.warning}). */
  readonly warning: string | undefined;

  constructor(code: ProblemCode, options: ProblemErrorOptions = {}) {
    const spec: ProblemSpec = PROBLEM_CATALOG[code];
    super(spec.title, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ProblemError";
    this.code = code;
    this.status = spec.status;
    this.detail = options.detail ?? spec.title;
    this.extensions = options.extensions ?? {};
    this.headers = options.headers ?? {};
    this.warning = options.warning;
  }
}

/** The `type` URI of a problem code. */
export function problemType(code: ProblemCode): string {
  return `urn:keyship:error:${code}`;
}

/**
 * Builds the JSON body for a problem.
 * @param error the problem to describe
 * @param traceId the request's trace id
 */
export function toProblemBody(error: ProblemError, traceId: string): ProblemBody {
  const spec: ProblemSpec = PROBLEM_CATALOG[error.code];
  return {
    ...error.extensions,
    type: problemType(error.code),
    title: spec.title,
    status: spec.status,
    detail: error.detail,
    code: error.code,
    trace_id: traceId,
  };
}

/** True when `value` is a known problem code. */
export function isProblemCode(value: string): value is ProblemCode {
  return Object.hasOwn(PROBLEM_CATALOG, value);
}

/**
 * Thrown at startup when keyship is misconfigured. Its message lists every problem found,
 * each with how to fix it.
 */
export class KeyshipConfigError extends Error {
  declare readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(
      `keyship cannot start; fix these settings:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
    this.name = "KeyshipConfigError";
    // Not enumerable: an uncaught error would otherwise print the list a second time.
    Object.defineProperty(this, "problems", { value: Object.freeze([...problems]) });
  }
}
