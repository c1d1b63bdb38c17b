/**
 * `/devices` (mounted under `/auth`). `/logout` lives in the sessions router: it ends a session
 * or a device.
 * @module
 */
import { createRoute, z } from "@hono/zod-openapi";
import { auditSourceOf } from "../audit/request.ts";
import type { KeyshipContext } from "../context.ts";
import { problemResponses } from "../http/openapi.ts";
import {
  BEARER_SECURITY,
  jsonResponse,
  NO_CONTENT,
  principalOf,
  type RouteGuards,
} from "../http/route-helpers.ts";
import { createRouter, type KeyshipRouter } from "../http/router.ts";
import {
  type DevicesContext,
  listDevices,
  revokeOtherDevices,
  revokeUserDevice,
} from "./service.ts";

const tags = ["devices"];

const DeviceSchema = z
  .object({
    id: z.string(),
    label: z.string(),
    userAgent: z.string(),
    createdAt: z.string(),
    lastSeenAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    current: z.boolean(),
  })
  .openapi("Device");

const DeviceIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" } }),
});

/**
 * The devices router.
 * @param ctx shared dependencies and the verifier whose caches revocation clears
 * @param guards what protected routes run: `signedIn`, and `sensitive` for actions that need a
 *   step-up
 */
export function deviceRoutes(
  ctx: KeyshipContext & Pick<DevicesContext, "verifier">,
  guards: RouteGuards,
): KeyshipRouter {
  const router = createRouter();
  router.openapi(
    createRoute({
      method: "get",
      path: "/devices",
      tags,
      summary: "List the signed-in user's devices",
      middleware: guards.signedIn,
      security: BEARER_SECURITY,
      responses: {
        200: jsonResponse(
          "The devices; `current` marks the caller's.",
          z.object({ devices: z.array(DeviceSchema) }),
        ),
        ...problemResponses("auth.unauthenticated"),
      },
    }),
    async (c) => {
      const p = principalOf(c);
      return c.json({ devices: await listDevices(ctx, p.userId, p.deviceId) }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: "post",
      path: "/devices/{id}/revoke",
      tags,
      summary: "Revoke a device: its tokens stop working at once",
      middleware: guards.sensitive,
      security: BEARER_SECURITY,
      request: { params: DeviceIdParam },
      responses: {
        ...NO_CONTENT,
        ...problemResponses("auth.step_up_required", "auth.unauthenticated", "resource.not_found"),
      },
    }),
    async (c) => {
      await revokeUserDevice(ctx, auditSourceOf(c), {
        userId: principalOf(c).userId,
        deviceId: c.req.valid("param").id,
        reason: "revoked",
      });
      return c.body(null, 204);
    },
  );

  router.openapi(
    createRoute({
      method: "post",
      path: "/devices/revoke-others",
      tags,
      summary: "Revoke every device except the calling one",
      middleware: guards.sensitive,
      security: BEARER_SECURITY,
      responses: {
        200: jsonResponse(
          "How many devices were revoked.",
          z.object({ revoked: z.number().int() }),
        ),
        ...problemResponses("auth.step_up_required", "auth.unauthenticated"),
      },
    }),
    async (c) => {
      const p = principalOf(c);
      const revoked = await revokeOtherDevices(ctx, auditSourceOf(c), {
        userId: p.userId,
        keepDeviceId: p.deviceId,
        reason: "revoke_others",
      });
      return c.json({ revoked }, 200);
    },
  );

  return router;
}
