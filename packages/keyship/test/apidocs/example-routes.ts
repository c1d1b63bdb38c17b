/**
 * App routes of every guard kind, declared as apps declare theirs: `app.openapi(createRoute(…))`
 * on the app, and a `createRouter()` router mounted with `app.route()`.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { KeyshipApp } from "../../src/app.ts";
import { problemResponses } from "../../src/http/openapi.ts";
import { createRouter } from "../../src/http/router.ts";
import {
  requireAdmin,
  requireClaims,
  requireMaster,
  requireScopes,
  requireUser,
} from "../../src/index.ts";

/** A 200 JSON answer `{ ok }`. */
export const ok = {
  200: {
    description: "OK",
    content: { "application/json": { schema: z.object({ ok: z.boolean() }) } },
  },
};

/** The credentials `requireUser()` admits, as scheme names. */
export const USER_SCHEMES = [
  "bearerAuth",
  "cookieAuth",
  "apiKeyAuth",
  "clientCredentials",
  "dpopAuth",
];

/**
 * Adds the example routes to `app` (before its first request).
 * @returns the same app
 */
export function addExampleRoutes<T extends KeyshipApp>(app: T): T {
  const route = (path: string, middleware: unknown[], extra: object = {}) =>
    createRoute({
      method: "get",
      path,
      summary: `GET ${path}`,
      middleware,
      responses: ok,
      ...extra,
    } as Parameters<typeof createRoute>[0]);
  const answer = (c: { json: (body: { ok: boolean }, status: 200) => Response }) =>
    c.json({ ok: true }, 200);
  app.openapi(route("/api/public", [], { responses: { ...ok, ...problemResponses() } }), answer);
  app.openapi(route("/api/user", [requireUser()]), answer);
  app.openapi(route("/api/scoped", [requireScopes("reports:read", "reports:export")]), answer);
  app.openapi(route("/api/admin", [requireAdmin()]), answer);
  app.openapi(route("/api/master", [requireMaster()]), answer);
  app.openapi(route("/api/claims", [requireClaims((p) => p.via === "device")]), answer);
  app.openapi(route("/api/sensitive", [requireUser(), app.keyship.requireStepUp()]), answer);
  app.openapi(route("/api/declared", [requireUser()], { security: [{ bearerAuth: [] }] }), answer);
  app.openapi(
    createRoute({
      method: "post",
      path: "/api/echo",
      summary: "Echoes a name",
      middleware: [requireUser()] as const,
      request: {
        body: {
          required: true,
          content: { "application/json": { schema: z.object({ name: z.string().max(20) }) } },
        },
      },
      responses: ok,
    }),
    (c) => c.json({ ok: c.req.valid("json").name !== "" }, 200),
  );
  const orders = createRouter();
  orders.openapi(
    createRoute({
      method: "get",
      path: "/{id}",
      summary: "One order",
      middleware: [requireScopes("orders:read")] as const,
      request: { params: z.object({ id: z.string() }) },
      responses: ok,
    }),
    (c) => c.json({ ok: c.req.valid("param").id !== "" }, 200),
  );
  app.route("/api/orders", orders);
  app.get("/api/plain", requireUser(), (c) => c.json({ ok: true }));
  return app;
}
