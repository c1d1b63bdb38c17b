/**
 * `GET /me` (mounted under `/auth`).
 * @module
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import type { KeyshipContext } from "../context.ts";
import { ProblemError } from "../errors.ts";
import { problemResponses } from "../http/openapi.ts";
import { BEARER_SECURITY, jsonResponse, principalOf } from "../http/route-helpers.ts";
import { createRouter, type KeyshipRouter } from "../http/router.ts";
import type { KeyshipEnv } from "../http/variables.ts";
import { toUserView } from "./model.ts";
import { findUserById } from "./store.ts";

const MeSchema = z
  .object({
    id: z.string(),
    email: z.string().nullable(),
    displayName: z.string().nullable(),
    role: z.enum(["user", "admin"]),
    scopes: z.array(z.string()),
    deviceId: z.string().nullable(),
    impersonatorId: z.string().nullable().openapi({
      description: "Set on an impersonation session: the admin acting as this user.",
    }),
  })
  .openapi("Me");

/**
 * The current-user router.
 * @param ctx shared dependencies
 * @param signedIn middleware that authenticates the caller and requires a user
 */
export function meRoutes(
  ctx: KeyshipContext,
  signedIn: MiddlewareHandler<KeyshipEnv>[],
): KeyshipRouter {
  const router = createRouter();
  router.openapi(
    createRoute({
      method: "get",
      path: "/me",
      tags: ["users"],
      summary: "The signed-in user",
      middleware: signedIn,
      security: BEARER_SECURITY,
      responses: {
        200: jsonResponse("The user and the calling device.", MeSchema),
        ...problemResponses("auth.unauthenticated"),
      },
    }),
    async (c) => {
      const principal = principalOf(c);
      const row = await findUserById(ctx.db, principal.userId);
      if (row === undefined) throw new ProblemError("auth.unauthenticated");
      const user = toUserView(row);
      return c.json(
        {
          id: user.id,
          email: user.email,
          displayName: user.displayName,
          // What the guards see (the verified principal), so a page that reads /auth/me never
          // contradicts the API: a change made in another process reaches both together.
          role: principal.role,
          scopes: [...principal.scopes],
          deviceId: principal.deviceId ?? null,
          impersonatorId: principal.impersonatorId ?? null,
        },
        200,
      );
    },
  );
  return router;
}
