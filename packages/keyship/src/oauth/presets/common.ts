/**
 * What the presets share: scopes from options, the OIDC shape, email normalisation.
 * @module
 */
import { normalizeEmail } from "../../users/model.ts";
import type { OAuthProviderOptions, PresetResolution, ProviderIdentity } from "../model.ts";

/** The scopes an option asks for (a list, or space/comma separated), else `defaults`. */
export function scopesOf(
  options: OAuthProviderOptions,
  defaults: readonly string[],
): readonly string[] {
  const given = options.scopes;
  if (given === undefined) return defaults;
  const list = typeof given === "string" ? given.split(/[\s,]+/) : [...given];
  const scopes = list.map((s) => s.trim()).filter((s) => s !== "");
  return scopes.length === 0 ? defaults : scopes;
}

/** The scopes of every OIDC preset. */
export const OIDC_SCOPES: readonly string[] = Object.freeze(["openid", "email", "profile"]);

/**
 * An OIDC provider discovered at `issuer` (or, with `endpoints.authorization` and
 * `endpoints.token`, described by them without discovery).
 */
export function oidcResolution(issuer: string, options: OAuthProviderOptions): PresetResolution {
  const scopes = scopesOf(options, OIDC_SCOPES);
  return {
    issuer: options.issuer ?? issuer,
    endpoints: options.endpoints ?? {},
    // `openid` makes it OIDC: always asked for.
    scopes: scopes.includes("openid") ? scopes : ["openid", ...scopes],
    readIdentity: undefined,
    tokenAuth: "basic",
  };
}

/** A string member of an API answer, or null. */
export function stringField(value: unknown, key: string): string | null {
  if (typeof value !== "object" || value === null) return null;
  const field = (value as Record<string, unknown>)[key];
  if (typeof field === "number") return String(field);
  return typeof field === "string" && field !== "" ? field : null;
}

/**
 * An identity from a user API's fields.
 * @throws Error when the subject is missing (translated to `oauth.verification_failed`)
 */
export function identityOf(fields: {
  subject: string | null;
  email: string | null;
  emailVerified: boolean;
  displayName: string | null;
}): ProviderIdentity {
  if (fields.subject === null) throw new Error("the user API answered no user id");
  return {
    subject: fields.subject,
    email: fields.email === null ? null : normalizeEmail(fields.email),
    emailVerified: fields.email !== null && fields.emailVerified,
    displayName: fields.displayName,
  };
}
