/**
 * OAuth clients in the admin API: list, register (the secret is answered once), rotate the
 * secret, delete. Writes need a step-up and are audited; a deleted or rotated client's tokens
 * fail on the next request.
 * @module
 */
import { createRoute, z } from "@hono/zod-openapi";
import { auditSourceOf } from "../audit/request.ts";
import { createClient, deleteClient, listClients, rotateClientSecret } from "../clients/manage.ts";
import {
  ClientIdParam,
  ClientSchema,
  ClientWithSecretSchema,
  NewClientBody,
} from "../clients/schemas.ts";
import { problemResponses } from "../http/openapi.ts";
import { BEARER_SECURITY, jsonBody, jsonResponse, NO_CONTENT } from "../http/route-helpers.ts";
import { createRouter, type KeyshipRouter } from "../http/router.ts";
import type { AdminContext, AdminGuards } from "./model.ts";
import { EmptyBody } from "./schemas.ts";

const tags = ["admin"];
const denied = ["auth.unauthenticated", "auth.forbidden"] as const;
const writeDenied = [...denied, "auth.step_up_required"] as const;

/**
 * The client routes of the admin API.
 * @param ctx the instance (its revocation list makes changes take effect at once)
 * @param guards `read` (a signed-in admin) and `write` (plus a recent step-up)
 */
export function clientRoutes(ctx: AdminContext, guards: AdminGuards): KeyshipRouter {
  const router = createRouter();
  const read = { tags, middleware: guards.read, security: BEARER_SECURITY } as const;
  const write = { tags, middleware: guards.write, security: BEARER_SECURITY } as const;
  router.openapi(
    createRoute({
      ...read,
      method: "get",
      path: "/clients",
      summary: "Registered OAuth clients, oldest first (never their secrets)",
      responses: {
        200: jsonResponse("The clients.", z.object({ items: z.array(ClientSchema) })),
        ...problemResponses(...denied),
      },
    }),
    async (c) => c.json({ items: await listClients(ctx) }, 200),
  );
  router.openapi(
    createRoute({
      ...write,
      method: "post",
      path: "/clients",
      summary: "Register an OAuth client; its secret is in this answer only",
      request: jsonBody(NewClientBody),
      responses: {
        201: jsonResponse("The client and its secret.", ClientWithSecretSchema),
        ...problemResponses(...writeDenied, "client.name_taken"),
      },
    }),
    async (c) => c.json(await createClient(ctx, auditSourceOf(c), c.req.valid("json")), 201),
  );
  router.openapi(
    createRoute({
      ...write,
      method: "post",
      path: "/clients/{id}/rotate-secret",
      summary: "Give a client a new secret: the old one and every token issued before stop working",
      request: { params: ClientIdParam, ...jsonBody(EmptyBody) },
      responses: {
        200: jsonResponse("The client and its new secret.", ClientWithSecretSchema),
        ...problemResponses(...writeDenied, "resource.not_found"),
      },
    }),
    async (c) =>
      c.json(await rotateClientSecret(ctx, auditSourceOf(c), c.req.valid("param").id), 200),
  );
  router.openapi(
    createRoute({
      ...write,
      method: "delete",
      path: "/clients/{id}",
      summary: "Delete a client: its secret and every token of it stop working at once",
      request: { params: ClientIdParam },
      responses: {
        ...NO_CONTENT,
        ...problemResponses(...writeDenied, "resource.not_found"),
      },
    }),
    async (c) => {
      await deleteClient(ctx, auditSourceOf(c), c.req.valid("param").id);
      return c.body(null, 204);
    },
  );
  return router;
}
