/**
 * Guards: middleware that allow a request or refuse it, reading only `c.var.principal`.
 * They never care how the caller proved who they are, but for one thing: the master token
 * (`via: "master"`) passes only `requireMaster()` (and `requireClaims()` predicates that accept
 * it), never the user, role or scope guards.
 *
 * No credential → 401 `auth.unauthenticated` with `WWW-Authenticate: Bearer`; a refused one →
 * its own problem, kept by `authenticate()` (e.g. 401 `token.expired`);
 * authenticated but not allowed → 403 `auth.forbidden` (scope failures carry
 * `error="insufficient_scope"` and list `missing_scopes`).
 * @module
 */
import type { MiddlewareHandler } from "hono";
import type { Principal } from "../auth/principal.ts";
import { ProblemError } from "../errors.ts";
import { problemResponse } from "../http/problem.ts";
import type { KeyshipEnv } from "../http/variables.ts";
import {
  describeGuard,
  type GuardRequirement,
  SECURITY_SCHEMES,
  SIGNED_IN_SCHEMES,
} from "./requirements.ts";

/** A predicate over the principal, for {@link requireClaims}. */
export type PrincipalPredicate = (principal: Principal) => boolean;

function unauthenticated(): ProblemError {
  // RFC 6750 §3.1: no error code when the request carried no credentials (the problem
  // response adds the bare `WWW-Authenticate: Bearer`).
  return new ProblemError("auth.unauthenticated");
}

/**
 * Builds a guard from a check that returns the problem to answer with, or undefined to allow.
 * The guard answers the problem itself instead of throwing, so it works in any Hono app, even
 * one without keyship's error handler.
 */
function guard(
  name: string,
  requirement: GuardRequirement,
  check: (principal: Principal) => ProblemError | undefined,
): MiddlewareHandler<KeyshipEnv> {
  // Not async: an allowed request passes straight to next() without an extra promise.
  const middleware: MiddlewareHandler<KeyshipEnv> = (c, next) => {
    const principal = c.get("principal");
    // A refused credential answers with its own problem (an expired token, a failed CSRF
    // check); no credential at all with auth.unauthenticated.
    const problem =
      principal === null || principal === undefined
        ? (c.get("authProblem") ?? unauthenticated())
        : check(principal);
    return problem === undefined ? next() : Promise.resolve(problemResponse(c, problem));
  };
  Object.defineProperty(middleware, "name", { value: name });
  // What it admits, for the OpenAPI document (apidocs/security.ts).
  return describeGuard(middleware, requirement);
}

/**
 * Whether the caller is the master token. It is an operator's key for the routes of
 * {@link requireMaster}, not a user: the user and role guards refuse it with 403.
 */
const isMaster = (p: Principal): boolean => p.via === "master";

/**
 * Allows any signed-in caller, but not the master token (403; see {@link requireMaster}).
 * @example app.get("/me", requireUser(), (c) => c.json(c.var.principal));
 * @throws ProblemError `auth.unauthenticated` (401) or `auth.forbidden` (403, the master token)
 */
export function requireUser(): MiddlewareHandler<KeyshipEnv> {
  return guard("keyshipRequireUser", { schemes: SIGNED_IN_SCHEMES }, (p) =>
    isMaster(p) ? new ProblemError("auth.forbidden") : undefined,
  );
}

/**
 * Allows the master token only (`KEYSHIP_MASTER_TOKEN`, sent as `Authorization: Bearer` or
 * `X-Master-Token`); every signed-in user, admins included, gets 403. Each use is audited
 * (`master.used`).
 * @example app.post("/internal/reindex", requireMaster(), handler);
 * @throws ProblemError `auth.unauthenticated` (401), `token.invalid` (401, a wrong master
 *   token) or `auth.forbidden` (403)
 */
export function requireMaster(): MiddlewareHandler<KeyshipEnv> {
  return guard("keyshipRequireMaster", { schemes: ["masterToken"] }, (p) =>
    isMaster(p) ? undefined : new ProblemError("auth.forbidden"),
  );
}

/**
 * Allows callers whose role is one of `roles` (never the master token).
 * @param roles accepted roles, e.g. `"admin"`
 * @throws ProblemError `auth.unauthenticated` (401) or `auth.forbidden` (403)
 */
export function requireRoles(...roles: Array<Principal["role"]>): MiddlewareHandler<KeyshipEnv> {
  if (roles.length === 0) throw new TypeError("requireRoles() needs at least one role");
  const accepted = new Set(roles);
  return guard("keyshipRequireRoles", { schemes: SIGNED_IN_SCHEMES, roles }, (p) =>
    accepted.has(p.role) && !isMaster(p) ? undefined : new ProblemError("auth.forbidden"),
  );
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
  const challenge = `Bearer error="insufficient_scope", scope="${required.join(" ")}"`;
  return guard("keyshipRequireScopes", { schemes: SIGNED_IN_SCHEMES, scopes: required }, (p) => {
    const held = new Set(p.scopes);
    const missing = required.filter((s) => !held.has(s));
    if (missing.length === 0) return undefined;
    return new ProblemError("auth.forbidden", {
      extensions: { missing_scopes: missing },
      headers: { "WWW-Authenticate": challenge },
    });
  });
}

/**
 * Allows callers for whom `predicate(principal)` is true.
 * @example requireClaims((p) => p.via === "device")
 * @throws ProblemError `auth.unauthenticated` (401) or `auth.forbidden` (403)
 */
export function requireClaims(predicate: PrincipalPredicate): MiddlewareHandler<KeyshipEnv> {
  // Any credential may satisfy a predicate, the master token included.
  return guard("keyshipRequireClaims", { schemes: SECURITY_SCHEMES }, (p) =>
    predicate(p) ? undefined : new ProblemError("auth.forbidden"),
  );
}
