/**
 * The app's own API, mounted at `/api`: one example route per kind of guard. Each is declared
 * with `createRoute()` and `router.openapi()`, so it appears in `/openapi.json` and `/docs`
 * with its guards as security requirements, its input is validated with zod, and the web app's
 * typed client (`web/src/api.ts`) knows its paths and answers from `ApiRoutes`.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { createRouter, type Keyship, requireAdmin, requireScopes, requireUser } from "keyship";

/** The scope that `GET /api/reports` asks for. Grant it: `npx keyship users scopes add <email> reports:read`. */
export const REPORTS_SCOPE = "reports:read";

const Hello = z
  .object({
    message: z.string(),
    userId: z.string(),
    role: z.enum(["user", "admin"]),
    scopes: z.array(z.string()),
    via: z.string(),
    serverTime: z.string().openapi({ format: "date-time" }),
  })
  .openapi("Hello");

const Stats = z
  .object({ users: z.number().int(), passkeys: z.number().int(), devices: z.number().int() })
  .openapi("Stats");

const Reports = z
  .object({
    reports: z.array(z.object({ id: z.string(), title: z.string(), total: z.number() })),
  })
  .openapi("Reports");

/** A JSON answer of `schema`. */
const ok = <T extends z.ZodType>(description: string, schema: T) => ({
  200: { description, content: { "application/json": { schema } } },
});

const hello = createRoute({
  method: "get",
  path: "/hello",
  operationId: "getHello", // optional: else from the method and path, e.g. getApiReports
  summary: "Greets the signed-in caller",
  description: "Any signed-in caller: a device token, a session, an API key or a client token.",
  middleware: [requireUser()] as const,
  responses: ok("Who the caller is, as the API sees them.", Hello),
});

const stats = createRoute({
  method: "get",
  path: "/admin/stats",
  summary: "Counts users, passkeys and devices (admins only)",
  middleware: [requireAdmin()] as const,
  responses: ok("The counts.", Stats),
});

const reports = createRoute({
  method: "get",
  path: "/reports",
  summary: `Lists the reports (scope ${REPORTS_SCOPE})`,
  middleware: [requireScopes(REPORTS_SCOPE)] as const,
  request: {
    query: z.object({
      quarter: z
        .enum(["q1", "q2"])
        .optional()
        .openapi({ description: "Only this quarter's report." }),
    }),
  },
  responses: ok("The reports.", Reports),
});

/**
 * The `/api` router. Chain `.openapi()` calls so that {@link ApiRoutes} knows every route.
 * @param db keyship's database (the app's own tables can live there too)
 */
export function apiRoutes(db: Keyship["db"]) {
  const count = async (table: "users" | "passkeys" | "devices") => {
    const row = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as("count"))
      .executeTakeFirstOrThrow();
    return Number(row.count);
  };
  return createRouter()
    .openapi(hello, (c) => {
      const principal = c.var.principal!;
      return c.json(
        {
          message: "Hello from the API. This answer needed a valid device token.",
          userId: principal.userId,
          role: principal.role,
          scopes: [...principal.scopes],
          via: principal.via,
          serverTime: new Date().toISOString(),
        },
        200,
      );
    })
    .openapi(stats, async (c) => {
      const [users, passkeys, devices] = await Promise.all([
        count("users"),
        count("passkeys"),
        count("devices"),
      ]);
      return c.json({ users, passkeys, devices }, 200);
    })
    .openapi(reports, (c) => {
      const { quarter } = c.req.valid("query");
      const all = [
        { id: "q1", title: "First quarter", total: 1280 },
        { id: "q2", title: "Second quarter", total: 1432 },
      ];
      return c.json({ reports: all.filter((r) => quarter === undefined || r.id === quarter) }, 200);
    });
}

/** The type of the `/api` router, for the web app's `hc<ApiRoutes>()` client. */
export type ApiRoutes = ReturnType<typeof apiRoutes>;
