/**
 * The typed schema of every keyship table. Timestamps are ISO-8601 strings in UTC on both
 * dialects (SQLite stores text, PostgreSQL `timestamptz` read back as ISO text); JSON values
 * are stored as text. See docs/architecture.md for why.
 * @module
 */
import type { Generated, Kysely, Transaction } from "kysely";

/** `users`: one row per account. */
export interface UsersTable {
  id: string;
  /** Lower-cased, trimmed; unique when present. */
  email: string | null;
  display_name: string | null;
  /** `user` or `admin`. */
  role: string;
  /** JSON array of scope strings. */
  scopes: string;
  password_hash: string | null;
  email_verified_at: string | null;
  disabled_at: string | null;
  created_at: string;
  updated_at: string;
  /**
   * The app-defined fields (`keyship({ user: { fields } })`) as one JSON object, `{}` when
   * there are none (migration 0009; docs/users.md "Extending the user").
   */
  fields: string;
}

/** `passkeys`: WebAuthn credentials. */
export interface PasskeysTable {
  id: string;
  user_id: string;
  /** base64url credential id; unique across all users. */
  credential_id: string;
  /** base64url COSE public key. */
  public_key: string;
  counter: number;
  /** JSON array of transports. */
  transports: string;
  aaguid: string;
  /** 1 when the credential is backed up (synced passkey), else 0. */
  backed_up: number;
  /** 1 when backup eligible (multi-device), else 0. */
  backup_eligible: number;
  name: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** `devices`: browser-held P-256 keys that sign device tokens. */
export interface DevicesTable {
  id: string;
  user_id: string;
  /** JSON of the public JWK `{kty, crv, x, y}`. */
  public_jwk: string;
  label: string;
  user_agent: string;
  created_at: string;
  last_seen_at: string | null;
  revoked_at: string | null;
}

/** `webauthn_challenges`: pending ceremonies (single-use, expiring). */
export interface WebauthnChallengesTable {
  id: string;
  /** `register`, `login` or `add`. */
  purpose: string;
  challenge: string;
  /** The signed-in user, for `add`. */
  user_id: string | null;
  /** JSON data the finish step needs (e.g. the pending user for `register`). */
  data: string;
  created_at: string;
  expires_at: string;
  consumed_at: string | null;
}

/** `step_ups`: until when a device or session counts as freshly re-authenticated. */
export interface StepUpsTable {
  /** The device or session id. */
  subject_id: string;
  user_id: string;
  until: string;
  created_at: string;
}

/** `password_resets` and `email_verifications`: single-use emailed tokens, stored as SHA-256. */
export interface EmailTokensTable {
  id: string;
  user_id: string;
  /** Hex SHA-256 of the token; the token itself is never stored. */
  token_hash: string;
  expires_at: string;
  used_at: string | null;
  created_at: string;
}

/**
 * `sessions`: one row per refresh token. A sign-in starts a family (`family_id` = its first
 * row's id, the session id clients see); each refresh spends a row and adds the next.
 */
export interface SessionsTable {
  id: string;
  user_id: string;
  family_id: string;
  /** Hex SHA-256 of the opaque refresh token; the token itself is never stored. */
  refresh_hash: string;
  ip: string;
  user_agent: string;
  created_at: string;
  expires_at: string;
  /** Set when this refresh token was spent (exchanged for the next one). */
  rotated_at: string | null;
  revoked_at: string | null;
  /** The admin who started this session to act as `user_id` (impersonation), else null. */
  impersonator_id: string | null;
  /** The DPoP key thumbprint (RFC 7638) the family is bound to, else null. */
  dpop_jkt: string | null;
}

/**
 * `dbsc_sessions`: the key a browser registered for a cookie session with Device Bound
 * Session Credentials (docs/dbsc.md); `session_id` is the session's family id.
 */
export interface DbscSessionsTable {
  session_id: string;
  user_id: string;
  /** `ES256` or `RS256`: the registration's `alg`, the only one its refreshes may use. */
  algorithm: string;
  /** The public JWK (JSON) of the browser's session key. */
  public_jwk: string;
  /** Its RFC 7638 thumbprint. */
  jkt: string;
  created_at: string;
  /** The last refresh that renewed the bound cookie. */
  refreshed_at: string | null;
  /** Hex SHA-256 of the outstanding refresh challenge; null once answered. */
  challenge_hash: string | null;
  challenge_expires_at: string | null;
}

/** `audit_events`: one row per security event, written with the change; never updated. */
export interface AuditEventsTable {
  id: string;
  at: string;
  action: string;
  outcome: "success" | "failure";
  actor_id: string | null;
  impersonator_id: string | null;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  user_agent: string | null;
  trace_id: string | null;
  /** JSON object; never secrets or tokens. */
  data: string;
}

/**
 * `oauth_clients`: registered OAuth 2 clients (machine access, docs/clients.md). A deleted
 * client keeps its row (audit rows name it) and frees its name.
 */
export interface OAuthClientsTable {
  id: string;
  /** Unique among clients that are not deleted. */
  name: string;
  /** Hex SHA-256 of the client secret; the secret itself is never stored. */
  secret_hash: string;
  /** JSON array of the scopes the client may ask for. */
  scopes: string;
  /** 1 when the client may use the refresh-token grant, else 0. */
  allow_refresh: number;
  /**
   * The `sid` of its client-credentials access tokens. Replaced when the secret is rotated or
   * one of those tokens is revoked, which refuses every token of the old family.
   */
  family_id: string;
  created_at: string;
  secret_rotated_at: string | null;
  deleted_at: string | null;
}

/**
 * `client_sessions`: one row per client refresh token, grouped in families like `sessions`
 * (`family_id` = its first row's id, the access tokens' `sid`).
 */
export interface ClientSessionsTable {
  id: string;
  client_id: string;
  family_id: string;
  /** Hex SHA-256 of the opaque refresh token. */
  refresh_hash: string;
  /** JSON array of the scopes granted to the family; a refresh may only narrow them. */
  scopes: string;
  created_at: string;
  expires_at: string;
  /** Set when this refresh token was spent (exchanged for the next one). */
  rotated_at: string | null;
  revoked_at: string | null;
}

/**
 * `api_keys`: one row per API key (`ksk_…`, docs/api-keys.md), stored as SHA-256 only. A roll
 * keeps the row: the replaced hash moves to `previous_hash`, valid until `previous_until`.
 */
export interface ApiKeysTable {
  id: string;
  user_id: string;
  name: string;
  /** `ksk_` and the first 8 characters of the current secret, for lists. */
  prefix: string;
  /** Hex SHA-256 of the current secret; unique. */
  secret_hash: string;
  /** Hex SHA-256 of the secret replaced by the last roll, while it still works. */
  previous_hash: string | null;
  previous_until: string | null;
  /** JSON array of the scopes the key names (it grants those its owner still holds). */
  scopes: string;
  created_at: string;
  expires_at: string | null;
  /** Written in batches, up to a minute behind. */
  last_used_at: string | null;
  revoked_at: string | null;
}

/** `recovery_codes`: single-use account recovery codes, stored only as a keyed SHA-256. */
export interface RecoveryCodesTable {
  id: string;
  user_id: string;
  /** Hex HMAC-SHA-256 of the normalised code, keyed with the user id. */
  code_hash: string;
  created_at: string;
  used_at: string | null;
}

/** `email_changes`: a pending new address, confirmed by the emailed link (SHA-256 at rest). */
export interface EmailChangesTable {
  id: string;
  user_id: string;
  /** Normalised; checked again for uniqueness when confirmed. */
  new_email: string;
  token_hash: string;
  expires_at: string;
  used_at: string | null;
  created_at: string;
}

/** `oauth_accounts`: a provider account (Google, GitHub, an OIDC issuer…) linked to a user. */
export interface OAuthAccountsTable {
  id: string;
  user_id: string;
  /** The provider id (`google`, `github`, a `KEYSHIP_OIDC_<NAME>` in lower case). */
  provider: string;
  /** The provider's stable user id (`sub`, GitHub's numeric id); unique per provider. */
  subject: string;
  /** The email the provider gave at the last sign-in, verified or not (for display). */
  email: string | null;
  /** 1 when the provider asserted that email as verified. */
  email_verified: number;
  display_name: string | null;
  created_at: string;
  last_used_at: string | null;
}

/** `oauth_flows`: a started OAuth sign-in, link or step-up; its id is the `state`. Single use. */
export interface OAuthFlowsTable {
  id: string;
  provider: string;
  /** `signin`, `link` or `stepup`. */
  purpose: string;
  /** The PKCE code verifier (RFC 7636), sent only to the provider's token endpoint. */
  code_verifier: string;
  /** The OIDC nonce; null for plain OAuth 2 providers. */
  nonce: string | null;
  return_to: string;
  /** The signed-in user a link or step-up belongs to. */
  user_id: string | null;
  /** The device or session a step-up marks. */
  subject_id: string | null;
  created_at: string;
  expires_at: string;
  consumed_at: string | null;
}

/** `oauth_codes`: one-time codes handed to the browser after a callback, stored as SHA-256. */
export interface OAuthCodesTable {
  /** Hex SHA-256 of the code. */
  id: string;
  /** JSON of the verified provider identity the code stands for. */
  payload: string;
  created_at: string;
  expires_at: string;
  consumed_at: string | null;
}

/** One announced change (SQLite's change feed; see changes/sqlite.ts). */
export interface KeyshipChangesTable {
  /** Assigned by the database, increasing: pollers read the rows after the last they saw. */
  seq: Generated<number>;
  origin: string;
  kind: string;
  subject_id: string;
  user_id: string | null;
  at: string;
}

/** Every table keyship owns, keyed by table name. */
export interface Database {
  users: UsersTable;
  passkeys: PasskeysTable;
  devices: DevicesTable;
  webauthn_challenges: WebauthnChallengesTable;
  password_resets: EmailTokensTable;
  email_verifications: EmailTokensTable;
  sessions: SessionsTable;
  dbsc_sessions: DbscSessionsTable;
  step_ups: StepUpsTable;
  audit_events: AuditEventsTable;
  api_keys: ApiKeysTable;
  oauth_clients: OAuthClientsTable;
  client_sessions: ClientSessionsTable;
  recovery_codes: RecoveryCodesTable;
  /** Emailed recovery links (`KEYSHIP_RECOVERY_EMAIL_ENABLED`). */
  recovery_links: EmailTokensTable;
  email_changes: EmailChangesTable;
  oauth_accounts: OAuthAccountsTable;
  oauth_flows: OAuthFlowsTable;
  oauth_codes: OAuthCodesTable;
  keyship_changes: KeyshipChangesTable;
}

/** A Kysely instance over keyship's schema. A `Transaction<Database>` is one too. */
export type DB = Kysely<Database>;

/** A transaction over keyship's schema. */
export type Trx = Transaction<Database>;

/** The SQL dialects keyship runs on. */
export type DialectName = "sqlite" | "postgres";
