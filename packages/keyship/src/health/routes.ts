/**
 * `GET /health`: 200 when the database answers, 503 `health.database_unavailable` when not.
 * @module
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { DB } from "../db/schema.ts";
import { problemResponses } from "../http/openapi.ts";
import { createRouter, type KeyshipRouter } from "../http/router.ts";
import { checkHealth } from "./service.ts";

const HealthSchema = z
  .object({ status: z.literal("ok"), database: z.literal("ok") })
  .openapi("Health");

const healthRoute = createRoute({
  method: "get",
  path: "/health",
  tags: ["health"],
  summary: "Liveness and database check",
  responses: {
    200: {
      description: "The service and its database are up.",
      content: { "application/json": { schema: HealthSchema } },
    },
    ...problemResponses("health.database_unavailable"),
  },
});

/** The health router. @param db the database to check */
export function healthRoutes(db: DB): KeyshipRouter {
  const router = createRouter();
  router.openapi(healthRoute, async (c) => {
    await checkHealth(db);
    c.header("Cache-Control", "no-store");
    return c.json({ status: "ok" as const, database: "ok" as const }, 200);
  });
  return router;
}
