/**
 * `/api-keys` (mounted under `/auth`): a signed-in user's API keys. Creating, rolling and
 * revoking a key are sensitive (step-up); listing needs a signed-in user. An API key itself
 * never manages keys, nor the account: {@link refuseApiKeys}.
 * @module
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { auditSourceOf } from "../audit/request.ts";
import { ProblemError } from "../errors.ts";
import { problemResponses } from "../http/openapi.ts";
import { problemResponse } from "../http/problem.ts";
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
import {
  type ApiKeysContext,
  createApiKey,
  listApiKeys,
  revokeUserApiKey,
  rollUserApiKey,
} from "./manage.ts";
import {
  ApiKeyIdParam,
  ApiKeySchema,
  CreateApiKeyBody,
  CreatedApiKeySchema,
  RollApiKeyBody,
  RolledApiKeySchema,
} from "./schemas.ts";

const tags = ["api-keys"];

const MACHINE_CALLER = "An API key cannot manage the account or its keys; sign in as the user.";

/**
 * Refuses callers who proved themselves with an API key (403 `auth.forbidden`): keyship's
 * account routes (devices, sessions, passkeys, API keys, logout) are for the person, and a
 * leaked key must not sign its owner out or mint more keys. Runs after the signed-in guard.
 */
export const refuseApiKeys: MiddlewareHandler<KeyshipEnv> = function keyshipRefuseApiKeys(c, next) {
  return c.get("principal")?.via === "apikey"
    ? Promise.resolve(
        problemResponse(c, new ProblemError("auth.forbidden", { detail: MACHINE_CALLER })),
      )
    : next();
};

/**
 * The API-key router.
 * @param ctx shared dependencies and the verifier whose cache a roll or revocation clears
 * @param guards what protected routes run: `signedIn`, and `sensitive` for actions that need a
 *   step-up (both refusing API-key callers, see {@link refuseApiKeys})
 */
export function apiKeyRoutes(ctx: ApiKeysContext, guards: RouteGuards): KeyshipRouter {
  const router = createRouter();
  router.route("/", createAndListRoutes(ctx, guards));
  router.route("/", rollAndRevokeRoutes(ctx, guards));
  return router;
}

/** `POST /api-keys` and `GET /api-keys`. */
function createAndListRoutes(ctx: ApiKeysContext, guards: RouteGuards): KeyshipRouter {
  const router = createRouter();
  router.openapi(
    createRoute({
      method: "post",
      path: "/api-keys",
      tags,
      summary: "Create an API key: the key is in this answer only",
      middleware: guards.sensitive,
      security: BEARER_SECURITY,
      request: jsonBody(CreateApiKeyBody),
      responses: {
        201: jsonResponse("The new key, with its secret (shown once).", CreatedApiKeySchema),
        ...problemResponses("auth.step_up_required", "auth.unauthenticated", "auth.forbidden"),
      },
    }),
    async (c) => {
      const created = await createApiKey(ctx, auditSourceOf(c), {
        userId: principalOf(c).userId,
        ...c.req.valid("json"),
      });
      return c.json(created, 201);
    },
  );

  router.openapi(
    createRoute({
      method: "get",
      path: "/api-keys",
      tags,
      summary: "List the signed-in user's API keys (never their secrets)",
      middleware: guards.signedIn,
      security: BEARER_SECURITY,
      responses: {
        200: jsonResponse(
          "The keys that are not revoked, newest first.",
          z.object({ apiKeys: z.array(ApiKeySchema) }),
        ),
        ...problemResponses("auth.unauthenticated", "auth.forbidden"),
      },
    }),
    async (c) => c.json({ apiKeys: await listApiKeys(ctx, principalOf(c).userId) }, 200),
  );
  return router;
}

/** `POST /api-keys/{id}/roll` and `POST /api-keys/{id}/revoke`. */
function rollAndRevokeRoutes(ctx: ApiKeysContext, guards: RouteGuards): KeyshipRouter {
  const router = createRouter();
  router.openapi(
    createRoute({
      method: "post",
      path: "/api-keys/{id}/roll",
      tags,
      summary: "Give an API key a new secret; the old one works for a chosen time (≤ 7 days)",
      middleware: guards.sensitive,
      security: BEARER_SECURITY,
      request: { params: ApiKeyIdParam, ...jsonBody(RollApiKeyBody) },
      responses: {
        200: jsonResponse("The key with its new secret (shown once).", RolledApiKeySchema),
        ...problemResponses(
          "auth.step_up_required",
          "auth.unauthenticated",
          "auth.forbidden",
          "resource.not_found",
        ),
      },
    }),
    async (c) => {
      const rolled = await rollUserApiKey(ctx, auditSourceOf(c), {
        userId: principalOf(c).userId,
        keyId: c.req.valid("param").id,
        previousValidForSeconds: c.req.valid("json").previousValidForSeconds,
      });
      return c.json(rolled, 200);
    },
  );

  router.openapi(
    createRoute({
      method: "post",
      path: "/api-keys/{id}/revoke",
      tags,
      summary: "Revoke an API key: it stops working at once",
      middleware: guards.sensitive,
      security: BEARER_SECURITY,
      request: { params: ApiKeyIdParam },
      responses: {
        ...NO_CONTENT,
        ...problemResponses(
          "auth.step_up_required",
          "auth.unauthenticated",
          "auth.forbidden",
          "resource.not_found",
        ),
      },
    }),
    async (c) => {
      await revokeUserApiKey(ctx, auditSourceOf(c), {
        userId: principalOf(c).userId,
        keyId: c.req.valid("param").id,
      });
      return c.body(null, 204);
    },
  );

  return router;
}
