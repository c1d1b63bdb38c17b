/**
 * Guards: middleware that allow a request or refuse it, reading only `c.var.principal`.
 * They never care how the caller proved who they are.
 *
 * Unauthenticated → 401 `auth.unauthenticated` with `WWW-Authenticate: Bearer`;
 * authenticated but not allowed → 403 `auth.forbidden` (scope failures carry
 * `error="insufficient_scope"` and list `missing_scopes`).
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { ProblemError } from "../errors.ts";
import type { KeyshipEnv, Principal } from "../http/variables.ts";

/** A predicate over the principal, for {@link requireClaims}. */
export type PrincipalPredicate = (principal: Principal) => boolean;

function unauthenticated(): ProblemError {
  // RFC 6750 §3.1: no error code when the request carried no credentials.
  return new ProblemError("auth.unauthenticated", { headers: { "WWW-Authenticate": "Bearer" } });
}

function principalOf(c: { get(key: "principal"): Principal | null | undefined }): Principal {
  const principal = c.get("principal");
  if (principal === null || principal === undefined) throw unauthenticated();
  return principal;
}

/**
 * Allows any signed-in caller.
 * @example app.get("/me", requireUser(), (c) => c.json(c.var.principal));
 * @throws ProblemError `auth.unauthenticated` (401)
 */
export function requireUser(): MiddlewareHandler<KeyshipEnv> {
  return async function keyshipRequireUser(c, next) {
    principalOf(c);
    await next();
  };
}

/**
 * Allows callers whose role is one of `roles`.
 * @param roles accepted roles, e.g. `"admin"`
 * @throws ProblemError `auth.unauthenticated` (401) or `auth.forbidden` (403)
 */
export function requireRoles(...roles: Array<Principal["role"]>): MiddlewareHandler<KeyshipEnv> {
  if (roles.length === 0) throw new TypeError("requireRoles() needs at least one role");
  const accepted = new Set(roles);
  return async function keyshipRequireRoles(c, next) {
    if (!accepted.has(principalOf(c).role)) throw new ProblemError("auth.forbidden");
    await next();
  };
}

/**
 * Allows admins only. Same as `requireRoles("admin")`.
 * @throws ProblemError `auth.unauthenticated` (401) or `auth.forbidden` (403)
 */
export function requireAdmin(): MiddlewareHandler<KeyshipEnv> {
  return requireRoles("admin");
}

/**
 * Allows callers holding every one of the scopes (all-of).
 * @param scopes a space-separated string, a list, or several arguments of either
 * @example app.post("/refunds", requireScopes("billing:refund"), handler);
 * @throws ProblemError `auth.unauthenticated` (401) or `auth.forbidden` (403) with `missing_scopes`
 */
export function requireScopes(
  ...scopes: Array<string | readonly string[]>
): MiddlewareHandler<KeyshipEnv> {
  const required = [
    ...new Set(
      scopes
        .flat()
        .flatMap((s) => s.split(/\s+/))
        .filter((s) => s !== ""),
    ),
  ];
  if (required.length === 0) throw new TypeError("requireScopes() needs at least one scope");
  return async function keyshipRequireScopes(c, next) {
    const held = new Set(principalOf(c).scopes);
    const missing = required.filter((s) => !held.has(s));
    if (missing.length > 0) {
      throw new ProblemError("auth.forbidden", {
        extensions: { missing_scopes: missing },
        headers: {
          "WWW-Authenticate": `Bearer error="insufficient_scope", scope="${required.join(" ")}"`,
        },
      });
    }
    await next();
  };
}

/**
 * Allows callers for whom `predicate(principal)` is true.
 * @example requireClaims((p) => p.via === "device")
 * @throws ProblemError `auth.unauthenticated` (401) or `auth.forbidden` (403)
 */
export function requireClaims(predicate: PrincipalPredicate): MiddlewareHandler<KeyshipEnv> {
  return async function keyshipRequireClaims(c, next) {
    if (!predicate(principalOf(c))) throw new ProblemError("auth.forbidden");
    await next();
  };
}
