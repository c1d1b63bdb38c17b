/**
 * Users as the rest of keyship sees them: roles, scopes, email normalization and the public
 * view of a row. Pure functions, no database.
 * @module
 */

import type { Principal } from "../auth/principal.ts";
import type { UsersTable } from "../db/schema.ts";
import { ProblemError } from "../errors.ts";

/** Every role a user can have, weakest first. */
export const ROLES = ["user", "admin"] as const;

/** A user's role: `user` or `admin`. */
export type Role = (typeof ROLES)[number];

/**
 * The shape every scope must have: 1–128 characters of letters, digits and `_ . : - / *`,
 * e.g. `billing:refund`, `docs/read`, `reports.*`.
 */
export const SCOPE_PATTERN = /^[A-Za-z0-9_.:\-/*]{1,128}$/;

/**
 * True when `value` is one of {@link ROLES}.
 * @param value any string, e.g. a stored `users.role`
 * @example isRole("admin") // true
 */
export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/**
 * Normalizes an email address for storage and lookup: Unicode NFKC, trimmed, lower-cased.
 * It does not validate the address.
 * @param email the address as typed
 * @example normalizeEmail("  Ada@Example.COM ") // "ada@example.com"
 */
export function normalizeEmail(email: string): string {
  return email.normalize("NFKC").trim().toLowerCase();
}

/**
 * True when `scope` has the shape of {@link SCOPE_PATTERN}.
 * @param scope one scope
 * @example isValidScope("billing:refund") // true
 */
export function isValidScope(scope: string): boolean {
  return SCOPE_PATTERN.test(scope);
}

/**
 * Reads the `users.scopes` column. Tolerant: anything that is not a JSON array yields `[]`,
 * and entries that are not valid scopes are dropped (so a damaged row grants nothing extra).
 * @param json the stored text
 * @example parseScopes('["a","b"]') // ["a", "b"]
 * @example parseScopes("oops") // []
 */
export function parseScopes(json: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return [];
  }
  if (!Array.isArray(value)) return [];
  return value.filter((s): s is string => typeof s === "string" && isValidScope(s));
}

function invalidScopes(invalid: readonly string[]): ProblemError {
  return new ProblemError("validation.failed", {
    detail: "Each scope must be 1 to 128 characters of letters, digits and _ . : - / *.",
    extensions: { invalid_scopes: invalid },
  });
}

/**
 * Serializes scopes for the `users.scopes` column: validated, de-duplicated and sorted (by
 * code unit, so the text is the same on every machine).
 * @param list the scopes to store
 * @returns a JSON array as text, e.g. `["billing:refund","docs/read"]`
 * @throws ProblemError `validation.failed` when a scope does not match {@link SCOPE_PATTERN};
 *   its `invalid_scopes` extension lists them.
 * @example serializeScopes(["b", "a", "b"]) // '["a","b"]'
 */
export function serializeScopes(list: readonly string[]): string {
  const invalid = list.filter((s) => !isValidScope(s));
  if (invalid.length > 0) throw invalidScopes(invalid);
  return JSON.stringify([...new Set(list)].sort());
}

/**
 * Parses scopes as a person or a form gives them: one string separated by spaces and/or
 * commas, or a list whose items may themselves be separated that way. Empty parts are
 * dropped; duplicates are removed, keeping the first.
 * @param input e.g. `"billing:refund, docs/read"` or `["billing:refund", "docs/read"]`
 * @returns the scopes in the order given
 * @throws ProblemError `validation.failed` when a scope does not match {@link SCOPE_PATTERN}
 * @example scopesFromInput("a b,c") // ["a", "b", "c"]
 */
export function scopesFromInput(input: string | readonly string[]): string[] {
  const items: readonly string[] = typeof input === "string" ? [input] : input;
  const scopes = [
    ...new Set(items.flatMap((item) => item.split(/[\s,]+/)).filter((s) => s !== "")),
  ];
  const invalid = scopes.filter((s) => !isValidScope(s));
  if (invalid.length > 0) throw invalidScopes(invalid);
  return scopes;
}

/** A user as services, the admin API and the CLI show it; never includes secrets. */
export interface UserView {
  readonly id: string;
  readonly email: string | null;
  readonly displayName: string | null;
  readonly role: Role;
  readonly scopes: string[];
  readonly emailVerifiedAt: string | null;
  readonly disabledAt: string | null;
  readonly createdAt: string;
}

/**
 * Turns a `users` row into a {@link UserView}. An unknown stored role reads as `user`
 * (least privilege); scopes are read with {@link parseScopes}.
 * @param row a row from the store
 * @example const view = toUserView(await findUserById(db, id));
 */
export function toUserView(row: UsersTable): UserView {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    role: isRole(row.role) ? row.role : "user",
    scopes: parseScopes(row.scopes),
    emailVerifiedAt: row.email_verified_at,
    disabledAt: row.disabled_at,
    createdAt: row.created_at,
  };
}

/**
 * The principal of a caller whose credential belongs to `owner`: role and scopes come from the
 * user row, never from the token (SECURITY.md). Frozen, so caches can share it.
 * @param owner the credential owner's id, stored role and stored scopes (JSON)
 * @param credential how the caller proved it (`via`) and which device or session
 */
export function principalOf(
  owner: { readonly userId: string; readonly role: string; readonly scopes: string },
  credential: Pick<Principal, "via" | "deviceId" | "sessionId" | "keyId" | "impersonatorId">,
): Principal {
  return Object.freeze({
    userId: owner.userId,
    role: isRole(owner.role) ? owner.role : "user",
    scopes: Object.freeze(parseScopes(owner.scopes)),
    ...credential,
  });
}
