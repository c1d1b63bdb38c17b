/**
 * What each guard admits, for the OpenAPI document: the credentials (as security scheme names),
 * the scopes and roles it asks for. Guards record it when they are made; the route registration
 * of keyship's routers (`apidocs/security.ts`) reads it from a route's `middleware`.
 * @module
 */

/** The security schemes of keyship's document, one per way to present a credential. */
export const SECURITY_SCHEMES = [
  "bearerAuth",
  "cookieAuth",
  "apiKeyAuth",
  "clientCredentials",
  "dpopAuth",
  "masterToken",
] as const;

/** A security scheme name of keyship's document. */
export type SecuritySchemeName = (typeof SECURITY_SCHEMES)[number];

/** The credentials of signed-in callers: every kind but the master token. */
export const SIGNED_IN_SCHEMES: readonly SecuritySchemeName[] = [
  "bearerAuth",
  "cookieAuth",
  "apiKeyAuth",
  "clientCredentials",
  "dpopAuth",
];

/**
 * The credentials that can step up: a device (bearer token) or a session (bearer, DPoP or
 * cookie).
 */
export const STEP_UP_SCHEMES: readonly SecuritySchemeName[] = [
  "bearerAuth",
  "cookieAuth",
  "dpopAuth",
];

/** What one guard admits. */
export interface GuardRequirement {
  /** The credentials that may pass it (any one of them). */
  readonly schemes: readonly SecuritySchemeName[];
  /** Scopes the caller must hold, all of them. */
  readonly scopes?: readonly string[];
  /** Roles of which the caller must have one. */
  readonly roles?: readonly string[];
  /** Whether the caller must have stepped up recently. */
  readonly stepUp?: boolean;
}

const requirements = new WeakMap<object, GuardRequirement>();

/**
 * Records what `guard` admits and returns it.
 * @param guard a guard middleware
 * @param requirement what it admits
 */
export function describeGuard<T extends object>(guard: T, requirement: GuardRequirement): T {
  requirements.set(guard, Object.freeze(requirement));
  return guard;
}

/** What a middleware admits when it is a guard, else undefined. */
export function guardRequirement(middleware: unknown): GuardRequirement | undefined {
  return typeof middleware === "function" ? requirements.get(middleware) : undefined;
}
