/** Builds apps for tests: silent logs, no `.env`, no process env, explicit settings. */
import { createApp, type KeyshipApp } from "../../src/app.ts";
import type { KeyshipOptions } from "../../src/keyship.ts";
import { createLogger } from "../../src/observability/logger.ts";
import { createTestClock, registerClock } from "./clock.ts";

/**
 * A test app over `databaseUrl`, isolated from the machine's environment, on a test clock
 * (`clockOf(app)`) unless `options.now` brings its own.
 */
export function testApp(databaseUrl: string, options: KeyshipOptions = {}): KeyshipApp {
  const clock = createTestClock();
  const app = createApp({
    databaseUrl,
    envFile: false,
    processEnv: {},
    logger: createLogger("silent"),
    now: clock.now,
    // The suites run hundreds of ceremonies from one address; test/security/rate-limits.test.ts
    // sets its own limits to test them.
    rateLimitCeremonyPerIp: "1000000/1m",
    rateLimitCeremonyPerAccount: "1000000/1m",
    maxOpenChallengesPerIp: 10_000,
    ...options,
  });
  if (options.now === undefined) registerClock(app, clock);
  return app;
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
