/**
 * A real keyship server for a browser test: `createApp()` on a fresh SQLite file, plus the test
 * page, the SDK bundle and one protected API route, served by `listen()` on 127.0.0.1.
 * @module
 */

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp, type KeyshipApp, type KeyshipOptions, listen, requireUser } from "keyship";
import { createLogger } from "../../packages/keyship/src/observability/logger.ts";
import { freePort } from "../../packages/keyship/test/helpers/ports.ts";
import { buildPageAssets, PAGE_SCRIPT_PATH, SDK_BUNDLE_PATH } from "./assets.ts";

export { freePort };

/** A running test server. */
export interface E2EServer {
  /** `http://localhost:<port>`: open pages here (rpId `localhost` refuses the IP origin). */
  readonly origin: string;
  readonly port: number;
  readonly app: KeyshipApp;
  /** Stops the server, closes the database and deletes its directory. */
  close(): Promise<void>;
}

/** The protected route of the test app: answers the signed-in caller's user id. */
export const SECRET_PATH = "/api/secret";

const JS_HEADERS = {
  "content-type": "text/javascript; charset=utf-8",
  "cache-control": "no-store",
};

/**
 * The settings of an app under a browser test: a SQLite file in `directory`, rpId `localhost`
 * and `origin`, silent logs, and nothing read from the machine's environment.
 */
export function browserTestSettings(origin: string, directory: string): KeyshipOptions {
  return {
    databaseUrl: `sqlite:${join(directory, "e2e.db")}`,
    rpId: "localhost",
    origins: [origin],
    envFile: false,
    processEnv: {},
    logger: createLogger("silent"),
  };
}

/** Options of {@link startE2EServer}. */
export interface E2EServerOptions {
  /**
   * Settings for `createApp()` on top of the test's own (database, rpId, origins, silent logs),
   * e.g. `{ firstUserIsAdmin: true }`. @default {}
   */
  readonly settings?: KeyshipOptions;
  /**
   * The port to listen on, e.g. one from {@link freePort} that an OAuth provider was told
   * about before the server starts. @default a free port
   */
  readonly port?: number;
  /** Adds the suite's own routes to the app before it listens. @default none */
  readonly routes?: (app: KeyshipApp) => void;
}

/**
 * Starts keyship with the test page on a free port.
 * @example
 * const server = await startE2EServer({ settings: { firstUserIsAdmin: true } });
 * await page.goto(server.origin);
 * await server.close();
 */
export async function startE2EServer(options: E2EServerOptions = {}): Promise<E2EServer> {
  const [assets, port, directory] = await Promise.all([
    buildPageAssets(),
    options.port ?? freePort(),
    mkdtemp(join(tmpdir(), "keyship-e2e-")),
  ]);
  const origin = `http://localhost:${port}`;
  const app = createApp({ ...browserTestSettings(origin, directory), ...options.settings });
  app.get("/", (c) => c.html(assets.html));
  app.get(SDK_BUNDLE_PATH, (c) => c.body(assets.sdk, 200, JS_HEADERS));
  app.get(PAGE_SCRIPT_PATH, (c) => c.body(assets.page, 200, JS_HEADERS));
  app.get(SECRET_PATH, requireUser(), (c) => c.json({ userId: c.var.principal?.userId }));
  options.routes?.(app);

  let running: Awaited<ReturnType<typeof listen>>;
  try {
    running = await listen(app, { port, hostname: "127.0.0.1", handleSignals: false });
  } catch (error) {
    await app.keyship.close();
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  return {
    origin,
    port,
    app,
    async close() {
      await running.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** The paths the server documents in `/openapi.json` (to see which routes exist). */
export async function documentedPaths(server: E2EServer): Promise<string[]> {
  const response = await fetch(`http://127.0.0.1:${server.port}/openapi.json`);
  const document = (await response.json()) as { paths?: Record<string, unknown> };
  return Object.keys(document.paths ?? {});
}
