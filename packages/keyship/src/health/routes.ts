/**
 * `GET /health` (liveness: the process and its database, with every dependency reported) and
 * `GET /health/ready` (readiness: every configured dependency up, for a load balancer).
 * @module
 */
import { createRoute, z } from "@hono/zod-openapi";
import { ProblemError } from "../errors.ts";
import { problemResponses } from "../http/openapi.ts";
import { createRouter, type KeyshipRouter } from "../http/router.ts";
import type { HealthChecks, HealthReport } from "./checks.ts";

const DependencySchema = z
  .object({
    status: z.enum(["ok", "down"]),
    since: z.string().optional().openapi({ description: "Since when it is down (ISO 8601)." }),
    warning: z.string().optional().openapi({
      description: "Something to fix although it serves, e.g. `instances` without Redis.",
    }),
    backend: z.string().optional().openapi({
      description: "`changes`: what carries the change feed, `redis`, `postgres` or `sqlite`.",
    }),
  })
  .openapi("DependencyHealth");

const HealthSchema = z
  .object({
    status: z.enum(["ok", "degraded"]).openapi({
      description: "`degraded` while a dependency other than the database is down.",
    }),
    checks: z.record(z.string(), DependencySchema).openapi({
      description:
        "Each dependency by name: `database`, `changes` (the change feed), `redis` when configured, `instances` on PostgreSQL without Redis, and others.",
      example: {
        database: { status: "ok" },
        changes: { status: "ok", backend: "redis" },
        redis: { status: "ok" },
      },
    }),
  })
  .openapi("Health");

const healthRoute = createRoute({
  method: "get",
  path: "/health",
  tags: ["health"],
  summary: "Liveness, with each dependency's state",
  responses: {
    200: {
      description: "The service and its database are up; `checks` reports every dependency.",
      content: { "application/json": { schema: HealthSchema } },
    },
    ...problemResponses("health.database_unavailable"),
  },
});

const readyRoute = createRoute({
  method: "get",
  path: "/health/ready",
  tags: ["health"],
  summary: "Readiness: every configured dependency is up",
  responses: {
    200: {
      description: "Every dependency is up.",
      content: { "application/json": { schema: HealthSchema } },
    },
    ...problemResponses("service_unavailable"),
  },
});

/** The report as a problem: `checks` rides along as an extension member (RFC 9457 §3.2). */
function refusal(
  code: "health.database_unavailable" | "service_unavailable",
  report: HealthReport,
) {
  return new ProblemError(code, {
    headers: { "Retry-After": "2" },
    extensions: { checks: report.checks },
  });
}

/**
 * The health router.
 * @param health the instance's checks (`database` first, then `redis` and any added later)
 */
export function healthRoutes(health: HealthChecks): KeyshipRouter {
  const router = createRouter();
  router.openapi(healthRoute, async (c) => {
    const report = await health.run();
    if (report.status === "down") throw refusal("health.database_unavailable", report);
    c.header("Cache-Control", "no-store");
    return c.json({ status: report.status, checks: report.checks }, 200);
  });
  router.openapi(readyRoute, async (c) => {
    const report = await health.run();
    if (report.status !== "ok") throw refusal("service_unavailable", report);
    c.header("Cache-Control", "no-store");
    return c.json({ status: "ok" as const, checks: report.checks }, 200);
  });
  return router;
}
