/**
 * Resource-server mode's claim mapping: what a verified external access token says about its
 * caller, as a {@link Principal}. Pure functions over the verified payload.
 * @module
 */
import type { JWTPayload } from "jose";
import type { Principal } from "../auth/principal.ts";
import type { TrustedIssuerSettings } from "../config/settings-trust.ts";

/** The value at a dotted `path` of `claims` (`realm_access.roles`), or undefined. */
export function claimAt(claims: Readonly<Record<string, unknown>>, path: string): unknown {
  let value: unknown = claims;
  for (const part of path.split(".")) {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
    value = Object.hasOwn(value, part) ? (value as Record<string, unknown>)[part] : undefined;
  }
  return value;
}

/** A claim that lists names: an array of strings or one space-separated string; else none. */
export function namesOf(value: unknown): string[] {
  const names = typeof value === "string" ? value.split(" ") : Array.isArray(value) ? value : [];
  return [...new Set(names.filter((n): n is string => typeof n === "string" && n !== ""))];
}

/**
 * The principal of a verified external token: `userId` is the provider-scoped subject
 * (`<provider>:<sub>`), roles and scopes come from the configured claims, and a role named
 * `admin` makes the caller an admin.
 * @param provider the trusted issuer's name (lower case)
 * @param trusted its settings (`rolesClaim`, `scopesClaim`)
 * @param payload the verified claims; `sub` is a non-empty string
 */
export function externalPrincipal(
  provider: string,
  trusted: Pick<TrustedIssuerSettings, "rolesClaim" | "scopesClaim">,
  payload: JWTPayload & { readonly sub: string },
): Principal {
  const roles =
    trusted.rolesClaim === undefined ? [] : namesOf(claimAt(payload, trusted.rolesClaim));
  return Object.freeze({
    userId: `${provider}:${payload.sub}`,
    role: roles.includes("admin") ? "admin" : "user",
    scopes: Object.freeze(namesOf(claimAt(payload, trusted.scopesClaim))),
    via: "external",
    provider,
    roles: Object.freeze(roles),
  });
}
