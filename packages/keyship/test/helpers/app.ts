/** Builds apps for tests: silent logs, no `.env`, no process env, explicit settings. */
import { createApp, type KeyshipApp, type KeyshipOptions } from "../../src/app.ts";
import { createLogger } from "../../src/observability/logger.ts";

/** A test app over `databaseUrl`, isolated from the machine's environment. */
export function testApp(databaseUrl: string, options: KeyshipOptions = {}): KeyshipApp {
  return createApp({
    databaseUrl,
    envFile: false,
    processEnv: {},
    logger: createLogger("silent"),
    ...options,
  });
}

/** POSTs JSON to `app` and returns the response. */
export function postJson(
  app: { request: (path: string, init: RequestInit) => Response | Promise<Response> },
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return Promise.resolve(
    app.request(path, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    }),
  );
}
