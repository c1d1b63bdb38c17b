/**
 * The API: keyship (passkeys, devices, /auth/*) plus the app's own routes under `/api`
 * (`routes.ts`). Tests build it with `createApi({ … })` and call `app.request()`; `server.ts`
 * serves it.
 */
import { createApp, type KeyshipApp, KeyshipConfigError, type KeyshipOptions } from "keyship";
import { apiRoutes } from "./routes.ts";

export { REPORTS_SCOPE } from "./routes.ts";

/**
 * Creates the app: `/auth/*`, `/health`, `/openapi.json` and `/docs` from keyship, and the
 * example `/api/*` routes (documented in `/docs` with their guards).
 * @param options keyship options; settings not given come from KEYSHIP_* variables and `.env`
 */
export function createApi(options: KeyshipOptions = {}): KeyshipApp {
  const app = createApp(options);
  app.route("/api", apiRoutes(app.keyship.db));
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
