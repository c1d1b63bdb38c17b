/**
 * Guards as OpenAPI security requirements: a route registered with `router.openapi()` on a
 * keyship router (`createRouter()`, `createApp()`) gets the `security` its `middleware` guards
 * admit, their problem responses, and `security: []` when it has no guard (a public route).
 * @module
 */
import type { RouteConfig } from "@hono/zod-openapi";
import type { ProblemCode } from "../errors.ts";
import {
  type GuardRequirement,
  guardRequirement,
  SECURITY_SCHEMES,
  type SecuritySchemeName,
} from "../guards/requirements.ts";
import { responsesOf } from "../http/openapi.ts";

/** What a route's guards admit together, or undefined when none of its middleware is a guard. */
export function combinedRequirement(middleware: unknown): GuardRequirement | undefined {
  const list = (Array.isArray(middleware) ? middleware : [middleware])
    .map(guardRequirement)
    .filter((r): r is GuardRequirement => r !== undefined);
  if (list.length === 0) return undefined;
  // Every guard must pass: a credential all of them admit, every scope, a role all allow.
  const schemes = list.reduce<SecuritySchemeName[]>(
    (kept, r) => kept.filter((s) => r.schemes.includes(s)),
    [...SECURITY_SCHEMES],
  );
  if (schemes.length === 0) {
    throw new TypeError("these guards admit no common credential: no request could pass them");
  }
  const roleLists = list.flatMap((r) => (r.roles === undefined ? [] : [r.roles]));
  return {
    schemes,
    scopes: [...new Set(list.flatMap((r) => r.scopes ?? []))],
    ...(roleLists.length === 0
      ? {}
      : { roles: roleLists.reduce((kept, roles) => kept.filter((r) => roles.includes(r))) }),
    stepUp: list.some((r) => r.stepUp === true),
  };
}

/** The OpenAPI security requirement of a guard requirement: any one of its credentials. */
export function securityOf(requirement: GuardRequirement): Record<string, string[]>[] {
  const scopes = requirement.scopes ?? [];
  // The master token holds no scopes.
  return requirement.schemes.map((s) => ({ [s]: s === "masterToken" ? [] : [...scopes] }));
}

/** The problems a guarded route may answer before its handler runs. */
function guardProblems(requirement: GuardRequirement, method: string): ProblemCode[] {
  const codes: ProblemCode[] = [
    "auth.unauthenticated",
    "token.invalid",
    "token.expired",
    "token.revoked",
  ];
  if (requirement.stepUp === true) codes.push("auth.step_up_required");
  codes.push("auth.forbidden");
  const isUnsafe = !["get", "head", "options"].includes(method);
  if (isUnsafe && requirement.schemes.includes("cookieAuth")) codes.push("auth.csrf_failed");
  if (requirement.schemes.includes("dpopAuth")) {
    codes.push("dpop.invalid_proof", "dpop.proof_required", "dpop.key_mismatch", "dpop.use_nonce");
  }
  return codes;
}

/**
 * `route` with the security its guards admit (unless it declares `security` itself), their
 * problem responses (unless it declares those statuses) and `x-keyship-roles` /
 * `x-keyship-step-up` when a guard asks for them. A route without guards gets `security: []`
 * unless it declares its own: guards installed with `app.use()` are not seen here.
 * @throws TypeError when the guards admit no common credential
 */
export function documentedRoute<R extends RouteConfig>(route: R): R {
  const requirement = combinedRequirement(route.middleware);
  const documented =
    requirement === undefined
      ? { ...route, security: route.security ?? [] }
      : {
          ...route,
          security: route.security ?? securityOf(requirement),
          responses: {
            ...responsesOf(guardProblems(requirement, route.method)),
            ...route.responses,
          },
          ...(requirement.roles === undefined ? {} : { "x-keyship-roles": requirement.roles }),
          ...(requirement.stepUp === true ? { "x-keyship-step-up": true } : {}),
        };
  // createRoute()'s non-enumerable helper, which the spread leaves behind.
  const routingPath = Object.getOwnPropertyDescriptor(route, "getRoutingPath");
  if (routingPath !== undefined) Object.defineProperty(documented, "getRoutingPath", routingPath);
  return documented;
}

/** A router of `@hono/zod-openapi`: anything with its `openapi()` registration. */
interface OpenApiRegistering {
  openapi: unknown;
}

/**
 * Makes `router.openapi()` document each route's guards ({@link documentedRoute}).
 * @returns the same router
 */
export function documentGuards<T extends OpenApiRegistering>(router: T): T {
  const register = router.openapi as (route: RouteConfig, ...rest: unknown[]) => unknown;
  router.openapi = ((route: RouteConfig, ...rest: unknown[]) =>
    register(documentedRoute(route), ...rest)) as T["openapi"];
  return router;
}
