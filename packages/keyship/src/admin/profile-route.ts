/**
 * The admin API's profile routes: change a user's display name and app-defined fields, and
 * delete a user with everything of theirs. Both are writes: role `admin` and a step-up.
 * @module
 */
import { createRoute } from "@hono/zod-openapi";
import { auditSourceOf } from "../audit/request.ts";
import { problemResponses } from "../http/openapi.ts";
import { BEARER_SECURITY, jsonBody, jsonResponse, NO_CONTENT } from "../http/route-helpers.ts";
import { createRouter, type KeyshipRouter } from "../http/router.ts";
import { deleteAccount } from "../users/delete.ts";
import { updateProfile } from "../users/profile.ts";
import type { AdminContext, AdminGuards } from "./model.ts";
import { AdminUserSchema, profilePatchBody, UserIdParam } from "./schemas.ts";
import { adminUser } from "./users.ts";

const writeDenied = ["auth.unauthenticated", "auth.forbidden", "auth.step_up_required"] as const;

/**
 * `PATCH /users/{id}/profile` and `DELETE /users/{id}` (mounted under `/admin/api`).
 * @param ctx the instance, with its caches to drop after a deletion
 * @param guards `write`: a signed-in admin who stepped up recently
 */
export function profileRoutes(ctx: AdminContext, guards: AdminGuards): KeyshipRouter {
  const router = createRouter();
  const tags = ["admin"];
  const common = { tags, middleware: guards.write, security: BEARER_SECURITY };
  router.openapi(
    createRoute({
      ...common,
      method: "patch",
      path: "/users/{id}/profile",
      summary: "Change a user's display name and app-defined fields (any field, all or none)",
      request: { params: UserIdParam, ...jsonBody(profilePatchBody(ctx.userFields)) },
      responses: {
        200: jsonResponse("The user after the change.", AdminUserSchema),
        ...problemResponses(...writeDenied, "resource.not_found"),
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const body = c.req.valid("json");
      await updateProfile(ctx, auditSourceOf(c), id, {
        displayName: body.displayName,
        fields: body.fields ?? {},
      });
      return c.json(await adminUser(ctx, id), 200);
    },
  );
  router.openapi(
    createRoute({
      ...common,
      method: "delete",
      path: "/users/{id}",
      summary: "Delete a user with every passkey, device, session and API key of theirs",
      request: { params: UserIdParam },
      responses: {
        ...NO_CONTENT,
        ...problemResponses(...writeDenied, "resource.not_found", "user.last_admin"),
      },
    }),
    async (c) => {
      await deleteAccount(ctx, auditSourceOf(c), c.req.valid("param").id, "admin");
      return c.body(null, 204);
    },
  );
  return router;
}
