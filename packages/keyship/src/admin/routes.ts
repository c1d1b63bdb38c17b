/**
 * The admin API, mounted at `/admin/api`: users, their credentials, the audit log and
 * impersonation. Every route needs role `admin`; every write also needs a step-up.
 * @module
 */
import { createRoute, z } from "@hono/zod-openapi";
import { auditSourceOf } from "../audit/request.ts";
import { problemResponses } from "../http/openapi.ts";
import { BEARER_SECURITY, jsonBody, jsonResponse, NO_CONTENT } from "../http/route-helpers.ts";
import { createRouter, type KeyshipRouter } from "../http/router.ts";
import { disableUser, enableUser, updateUser } from "../users/service.ts";
import { auditRoutes } from "./audit-route.ts";
import { clientRoutes } from "./clients-route.ts";
import { impersonationRoutes } from "./impersonation-route.ts";
import type { AdminContext, AdminGuards } from "./model.ts";
import { profileRoutes } from "./profile-route.ts";
import {
  adminRevokeDevice,
  adminRevokeEverything,
  adminRevokePasskey,
  adminRevokeSession,
} from "./revoke.ts";
import {
  AdminUserDetailSchema,
  AdminUserPageSchema,
  AdminUserSchema,
  EmptyBody,
  OverviewSchema,
  RevokedCounts,
  UserIdParam,
  UserPatchBody,
  UsersQuery,
} from "./schemas.ts";
import { adminOverview, adminUser, adminUserDetail, listAdminUsers } from "./users.ts";

const tags = ["admin"];
const denied = ["auth.unauthenticated", "auth.forbidden"] as const;
const writeDenied = [...denied, "auth.step_up_required"] as const;

function readRoutes(ctx: AdminContext, guards: AdminGuards): KeyshipRouter {
  const router = createRouter();
  const common = { tags, middleware: guards.read, security: BEARER_SECURITY } as const;
  router.openapi(
    createRoute({
      ...common,
      method: "get",
      path: "/overview",
      summary: "Users by kind, and today's sign-ins, failures and sign-ups",
      responses: {
        200: jsonResponse("The counts.", OverviewSchema),
        ...problemResponses(...denied),
      },
    }),
    async (c) => c.json(await adminOverview(ctx), 200),
  );
  router.openapi(
    createRoute({
      ...common,
      method: "get",
      path: "/users",
      summary: "Users, newest first, with search, filters and cursor pages",
      request: { query: UsersQuery },
      responses: {
        200: jsonResponse("A page of users.", AdminUserPageSchema),
        ...problemResponses(...denied),
      },
    }),
    async (c) => {
      const { limit, cursor, ...filters } = c.req.valid("query");
      return c.json(await listAdminUsers(ctx, filters, { limit, cursor }), 200);
    },
  );
  router.openapi(
    createRoute({
      ...common,
      method: "get",
      path: "/users/{id}",
      summary: "A user with their passkeys, devices, sessions and recent audit events",
      request: { params: UserIdParam },
      responses: {
        200: jsonResponse("The user.", AdminUserDetailSchema),
        ...problemResponses(...denied, "resource.not_found"),
      },
    }),
    async (c) => c.json(await adminUserDetail(ctx, c.req.valid("param").id), 200),
  );
  return router;
}

function userWriteRoutes(ctx: AdminContext, guards: AdminGuards): KeyshipRouter {
  const router = createRouter();
  const common = { tags, middleware: guards.write, security: BEARER_SECURITY } as const;
  const changeOptions = (c: Parameters<typeof auditSourceOf>[0]) => ({
    audit: auditSourceOf(c),
    onUserChanged: ctx.invalidateUser,
  });
  router.openapi(
    createRoute({
      ...common,
      method: "patch",
      path: "/users/{id}",
      summary: "Change a user's role and/or scopes (both or neither)",
      request: { params: UserIdParam, ...jsonBody(UserPatchBody) },
      responses: {
        200: jsonResponse("The user after the change.", AdminUserSchema),
        ...problemResponses(...writeDenied, "resource.not_found", "user.last_admin"),
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      await updateUser(ctx, id, c.req.valid("json"), changeOptions(c));
      return c.json(await adminUser(ctx, id), 200);
    },
  );
  const toggles = [
    ["disable", disableUser, "Disable a user: their devices and sessions fail at once"],
    ["enable", enableUser, "Enable a disabled user again"],
  ] as const;
  for (const [verb, change, summary] of toggles) {
    router.openapi(
      createRoute({
        ...common,
        method: "post",
        path: `/users/{id}/${verb}`,
        summary,
        request: { params: UserIdParam, ...jsonBody(EmptyBody) },
        responses: {
          200: jsonResponse("The user after the change.", AdminUserSchema),
          ...problemResponses(...writeDenied, "resource.not_found", "user.last_admin"),
        },
      }),
      async (c) => {
        const { id } = c.req.valid("param");
        await change(ctx, id, changeOptions(c));
        return c.json(await adminUser(ctx, id), 200);
      },
    );
  }
  router.openapi(
    createRoute({
      ...common,
      method: "post",
      path: "/users/{id}/revoke-sessions",
      summary: "Revoke every device and session of a user",
      request: { params: UserIdParam, ...jsonBody(EmptyBody) },
      responses: {
        200: jsonResponse("How many were revoked.", RevokedCounts),
        ...problemResponses(...writeDenied, "resource.not_found"),
      },
    }),
    async (c) =>
      c.json(await adminRevokeEverything(ctx, auditSourceOf(c), c.req.valid("param").id), 200),
  );
  return router;
}

function credentialRoutes(ctx: AdminContext, guards: AdminGuards): KeyshipRouter {
  const router = createRouter();
  const kinds = [
    ["passkeys", "passkey", adminRevokePasskey],
    ["devices", "device", adminRevokeDevice],
    ["sessions", "session", adminRevokeSession],
  ] as const;
  for (const [path, noun, revoke] of kinds) {
    router.openapi(
      createRoute({
        tags,
        middleware: guards.write,
        security: BEARER_SECURITY,
        method: "post",
        path: `/${path}/{id}/revoke`,
        summary: `Revoke a ${noun}, whoever owns it`,
        request: { params: z.object({ id: z.string().max(64) }), ...jsonBody(EmptyBody) },
        responses: {
          ...NO_CONTENT,
          ...problemResponses(...writeDenied, "resource.not_found"),
        },
      }),
      async (c) => {
        await revoke(ctx, auditSourceOf(c), c.req.valid("param").id);
        return c.body(null, 204);
      },
    );
  }
  return router;
}

/**
 * The admin API router (mount it at `/admin/api`).
 * @param ctx the instance, with its caches to drop after changes
 * @param guards `read` (a signed-in admin) and `write` (plus a recent step-up)
 */
export function adminApiRoutes(ctx: AdminContext, guards: AdminGuards): KeyshipRouter {
  const router = createRouter();
  router.use("*", async (c, next) => {
    await next();
    c.header("Cache-Control", "no-store");
  });
  router.route("/", readRoutes(ctx, guards));
  router.route("/", userWriteRoutes(ctx, guards));
  router.route("/", profileRoutes(ctx, guards));
  router.route("/", credentialRoutes(ctx, guards));
  router.route("/", auditRoutes(ctx, guards));
  router.route("/", impersonationRoutes(ctx, guards));
  router.route("/", clientRoutes(ctx, guards));
  return router;
}
