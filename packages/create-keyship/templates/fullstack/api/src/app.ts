/**
 * The API: keyship (passkeys, devices, /auth/*) plus three example routes, one per kind of guard.
 * Tests build it with `createApi({ … })` and call `app.request()`; `server.ts` serves it.
 */
import {
  createApp,
  type KeyshipApp,
  KeyshipConfigError,
  type KeyshipOptions,
  requireAdmin,
  requireScopes,
  requireUser,
} from "keyship";

/** The scope that `GET /api/reports` asks for. Grant it: `npx keyship users scopes add <email> reports:read`. */
export const REPORTS_SCOPE = "reports:read";

/**
 * Creates the app: `/auth/*`, `/health`, `/docs` from keyship, and the example `/api/*` routes.
 * @param options keyship options; settings not given come from KEYSHIP_* variables and `.env`
 */
export function createApi(options: KeyshipOptions = {}): KeyshipApp {
  const app = createApp(options);
  const { db } = app.keyship;

  // Any signed-in user.
  app.get("/api/hello", requireUser(), (c) => {
    const principal = c.var.principal!;
    return c.json({
      message: "Hello from the API. This answer needed a valid device token.",
      userId: principal.userId,
      role: principal.role,
      scopes: principal.scopes,
      via: principal.via,
      serverTime: new Date().toISOString(),
    });
  });

  // Admins only (make one with: npm run keyship -- users promote <email>).
  app.get("/api/admin/stats", requireAdmin(), async (c) => {
    const count = async (table: "users" | "passkeys" | "devices") => {
      const row = await db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as("count"))
        .executeTakeFirstOrThrow();
      return Number(row.count);
    };
    const [users, passkeys, devices] = await Promise.all([
      count("users"),
      count("passkeys"),
      count("devices"),
    ]);
    return c.json({ users, passkeys, devices });
  });

  // Users holding a scope.
  app.get("/api/reports", requireScopes(REPORTS_SCOPE), (c) =>
    c.json({
      reports: [
        { id: "q1", title: "First quarter", total: 1280 },
        { id: "q2", title: "Second quarter", total: 1432 },
      ],
    }),
  );

  return app;
}

/**
 * Prints a configuration problem (keyship's list of what to fix: bad settings, a port already
 * in use) once, without a stack trace, and exits with code 1. Anything else is rethrown.
 * @example const { url } = await listen(app).catch(exitOnConfigError);
 */
export function exitOnConfigError(error: unknown): never {
  if (!(error instanceof KeyshipConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}

/** {@link createApi} for a server's entry point: a configuration problem exits (see {@link exitOnConfigError}). */
export function createApiOrExit(options: KeyshipOptions = {}): KeyshipApp {
  try {
    return createApi(options);
  } catch (error) {
    return exitOnConfigError(error);
  }
}
