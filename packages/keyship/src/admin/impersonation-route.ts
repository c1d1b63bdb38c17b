/**
 * Impersonation routes of the admin API: start (as a user), list (the caller's live ones) and
 * stop. Starting and stopping are writes: they need a step-up.
 * @module
 */
import { createRoute } from "@hono/zod-openapi";
import { auditSourceOf } from "../audit/request.ts";
import { problemResponses } from "../http/openapi.ts";
import { BEARER_SECURITY, jsonBody, jsonResponse, principalOf } from "../http/route-helpers.ts";
import { createRouter, type KeyshipRouter } from "../http/router.ts";
import { listImpersonations, startImpersonation, stopImpersonation } from "./impersonation.ts";
import type { AdminContext, AdminGuards } from "./model.ts";
import {
  EmptyBody,
  ImpersonationList,
  ImpersonationStarted,
  StopBody,
  Stopped,
  UserIdParam,
} from "./schemas.ts";

const tags = ["admin"];

/**
 * The impersonation routes.
 * @param ctx the instance
 * @param guards `read` and `write`
 */
export function impersonationRoutes(ctx: AdminContext, guards: AdminGuards): KeyshipRouter {
  const router = createRouter();
  const base = { tags, security: BEARER_SECURITY } as const;
  const denied = ["auth.unauthenticated", "auth.forbidden"] as const;
  router.openapi(
    createRoute({
      ...base,
      middleware: guards.write,
      method: "post",
      path: "/users/{id}/impersonate",
      summary: "Act as a user for 15 minutes (support work); never as an admin",
      request: { params: UserIdParam, ...jsonBody(EmptyBody) },
      responses: {
        201: jsonResponse("The impersonation session's access token.", ImpersonationStarted),
        ...problemResponses(
          ...denied,
          "auth.step_up_required",
          "resource.not_found",
          "admin.cannot_impersonate",
        ),
      },
    }),
    async (c) =>
      c.json(await startImpersonation(ctx, auditSourceOf(c), c.req.valid("param").id), 201),
  );
  router.openapi(
    createRoute({
      ...base,
      middleware: guards.read,
      method: "get",
      path: "/impersonation",
      summary: "The caller's live impersonation sessions",
      responses: {
        200: jsonResponse("The sessions.", ImpersonationList),
        ...problemResponses(...denied),
      },
    }),
    async (c) => c.json({ items: await listImpersonations(ctx, principalOf(c).userId) }, 200),
  );
  router.openapi(
    createRoute({
      ...base,
      middleware: guards.write,
      method: "post",
      path: "/impersonation/stop",
      summary: "End the caller's impersonation sessions (all, or one by sessionId)",
      request: jsonBody(StopBody),
      responses: {
        200: jsonResponse("How many ended.", Stopped),
        ...problemResponses(...denied, "auth.step_up_required"),
      },
    }),
    async (c) => {
      const stopped = await stopImpersonation(ctx, auditSourceOf(c), c.req.valid("json").sessionId);
      return c.json({ stopped }, 200);
    },
  );
  return router;
}
