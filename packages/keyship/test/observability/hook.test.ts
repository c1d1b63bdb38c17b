/** `observabilityHook()`: installed first, it lets a later `initObservability()` see everything. */
import { Hono } from "hono";
import { expect, it } from "vitest";
import { KeyshipConfigError } from "../../src/errors.ts";
import type { KeyshipEnv } from "../../src/http/variables.ts";
import { initObservability, observabilityHook } from "../../src/observability/init.ts";
import { captureLogs } from "./helpers.ts";

function appWithEarlyRoutes(hooked: boolean) {
  const logs = captureLogs();
  const app = new Hono<KeyshipEnv>();
  if (hooked) app.use("*", observabilityHook(app));
  app.use("/private/*", async (c) => c.json({ code: "auth.unauthenticated" }, 401));
  app.get("/early/:id", (c) => c.text("ok"));
  initObservability(app, { env: {}, logger: logs.logger });
  return { app, logs };
}

it("observes routes registered before initObservability()", async () => {
  const { app, logs } = appWithEarlyRoutes(true);
  const response = await app.request("/early/e1");
  expect(response.headers.get("x-trace-id")).toMatch(/^[0-9a-f]{32}$/);
  expect(logs.requests()).toMatchObject([{ route: "/early/:id", status: 200 }]);
});

it("observes requests refused by earlier middleware", async () => {
  const { app, logs } = appWithEarlyRoutes(true);
  expect((await app.request("/private/x")).status).toBe(401);
  expect(logs.requests()).toMatchObject([{ route: "/private/*", status: 401 }]);
});

it("without the hook, sees only what was registered after it", async () => {
  const { app, logs } = appWithEarlyRoutes(false);
  await app.request("/early/e1");
  expect(logs.requests()).toEqual([]);
});

it("refuses a second initObservability() on the same app", () => {
  const app = new Hono();
  initObservability(app, { env: {} });
  expect(() => initObservability(app, { env: {} })).toThrow(KeyshipConfigError);
});
