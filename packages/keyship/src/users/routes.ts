/**
 * `GET`, `PATCH` and `DELETE /me` (mounted under `/auth`): the signed-in user, their profile
 * (display name and app-defined fields) and the deletion of their account.
 * @module
 */
import { createRoute, type z } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import { auditSourceOf } from "../audit/request.ts";
import type { Principal } from "../auth/principal.ts";
import { ProblemError } from "../errors.ts";
import { problemResponses } from "../http/openapi.ts";
import {
  BEARER_SECURITY,
  jsonBody,
  jsonResponse,
  NO_CONTENT,
  principalOf,
  type RouteGuards,
} from "../http/route-helpers.ts";
import { createRouter, type KeyshipRouter } from "../http/router.ts";
import type { KeyshipEnv } from "../http/variables.ts";
import { type DeleteContext, deleteAccount } from "./delete.ts";
import type { KeyshipUser } from "./fields.ts";
import {
  type ProfileContext,
  type ProfileReadContext,
  readUser,
  updateProfile,
} from "./profile.ts";
import { mePatchBody, meSchema } from "./schemas.ts";

/** What the `/me` routes need. */
export type MeContext = ProfileContext & DeleteContext;

/** `/auth/me`'s answer: the user, what the guards see, and the calling device. */
function meOf(principal: Principal, user: KeyshipUser) {
  const { emailVerifiedAt: _v, disabledAt: _d, createdAt: _c, ...shown } = user;
  return {
    ...shown,
    // What the guards see (the verified principal), so a page that reads /auth/me never
    // contradicts the API: a change made in another process reaches both together.
    role: principal.role,
    scopes: [...principal.scopes],
    deviceId: principal.deviceId ?? null,
    impersonatorId: principal.impersonatorId ?? null,
  };
}

/**
 * The current-user router.
 * @param ctx shared dependencies, the revocation list and the caches to drop on deletion
 * @param signedIn middleware that authenticates the caller and requires a user (`GET` answers
 *   API keys too)
 * @param guards the account guards (`PATCH`: a person, no API key) and the sensitive ones
 *   (`DELETE`: plus a recent step-up)
 */
export function meRoutes(
  ctx: MeContext,
  signedIn: MiddlewareHandler<KeyshipEnv>[],
  guards: RouteGuards,
): KeyshipRouter {
  const router = createRouter();
  const Me = meSchema(ctx.userFields);
  const tags = ["users"];
  const common = { tags, security: BEARER_SECURITY };
  router.openapi(
    createRoute({
      ...common,
      method: "get",
      path: "/me",
      summary: "The signed-in user",
      middleware: signedIn,
      responses: {
        200: jsonResponse("The user, their fields and the calling device.", Me),
        ...problemResponses("auth.unauthenticated"),
      },
    }),
    async (c) => {
      const principal = principalOf(c);
      const user = await readUser(ctx, principal.userId);
      if (user === undefined) throw new ProblemError("auth.unauthenticated");
      return c.json(meOf(principal, user), 200);
    },
  );
  router.openapi(
    createRoute({
      ...common,
      method: "patch",
      path: "/me",
      summary: "Change the display name and the app-defined fields",
      middleware: guards.signedIn,
      request: jsonBody(mePatchBody(ctx.userFields)),
      responses: {
        200: jsonResponse("The user after the change.", Me),
        ...problemResponses("auth.unauthenticated", "auth.forbidden", "resource.not_found"),
      },
    }),
    async (c) => {
      const principal = principalOf(c);
      const body = c.req.valid("json");
      const user = await updateProfile(ctx, auditSourceOf(c), principal.userId, {
        displayName: body.displayName,
        fields: ctx.userFields.pick(body),
      });
      return c.json(meOf(principal, user), 200);
    },
  );
  router.openapi(
    createRoute({
      ...common,
      method: "delete",
      path: "/me",
      summary: "Delete the account and every credential of it (after a step-up)",
      middleware: guards.sensitive,
      responses: {
        ...NO_CONTENT,
        ...problemResponses(
          "auth.unauthenticated",
          "auth.forbidden",
          "auth.step_up_required",
          "user.last_admin",
        ),
      },
    }),
    async (c) => {
      await deleteAccount(ctx, auditSourceOf(c), principalOf(c).userId, "self");
      return c.body(null, 204);
    },
  );
  return router;
}

/**
 * `getUser(c)` of an instance: the caller's user with the app-defined fields, typed `S`.
 * @param context the instance's database and compiled fields
 */
export function userReader<S extends z.ZodObject>(
  context: ProfileReadContext,
): (c: Context<KeyshipEnv>) => Promise<KeyshipUser<S> | null> {
  return async (c) => {
    const principal = c.get("principal");
    if (principal === null || principal === undefined) return null;
    return ((await readUser(context, principal.userId)) ?? null) as KeyshipUser<S> | null;
  };
}
