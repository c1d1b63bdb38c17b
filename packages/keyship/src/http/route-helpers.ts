/**
 * Small builders for `createRoute()` definitions, so route files stay declarative.
 * @module
 */
import type { z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import type { Principal } from "../auth/principal.ts";
import type { KeyshipEnv } from "./variables.ts";

/** A required JSON request body of `schema`. */
export function jsonBody<T extends z.ZodType>(schema: T) {
  return { body: { required: true, content: { "application/json": { schema } } } } as const;
}

/** A JSON response of `schema`. */
export function jsonResponse<T extends z.ZodType>(description: string, schema: T) {
  return { description, content: { "application/json": { schema } } } as const;
}

/** The response entry for 204 No Content. */
export const NO_CONTENT = { 204: { description: "Done; no body." } } as const;

/**
 * OpenAPI security requirement of keyship's signed-in routes: a device token or access token,
 * or the session cookie.
 */
export const BEARER_SECURITY: Record<string, string[]>[] = [
  { bearerAuth: [] },
  { cookieAuth: [] },
  { dpopAuth: [] },
];

/** The middleware a protected route runs before its handler (`signedIn` of the routers). */
export type Guards = MiddlewareHandler<KeyshipEnv>[];

/** The guards of a router's protected routes. */
export interface RouteGuards {
  /** A signed-in caller. */
  readonly signedIn: Guards;
  /** A signed-in caller whose device or session stepped up recently (sensitive actions). */
  readonly sensitive: Guards;
}

/**
 * The signed-in caller of a protected route (its guards ran first, so there is one).
 * @param c the request context
 */
export function principalOf(c: { get(key: "principal"): Principal | null }): Principal {
  return c.get("principal") as Principal;
}
