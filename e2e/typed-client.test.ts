/**
 * The template's typed client for its own API: Hono's `hc<ApiRoutes>` over `@keyship/client`'s
 * `fetch`, against the real API (`createApi()`) on loopback, in Node. The SDK signs up with a
 * password (its own device key, in memory), and every typed call carries a device token.
 * Compile-time checks: the answers' types come from the routes, and unknown routes do not exist.
 */
import { createKeyshipClient, memoryKeyStore } from "@keyship/client";
import { hc, type InferResponseType } from "hono/client";
import { afterAll, beforeAll, expect, expectTypeOf, it } from "vitest";
import { createApi } from "../packages/create-keyship/templates/fullstack/api/src/app.ts";
import type { ApiRoutes } from "../packages/create-keyship/templates/fullstack/api/src/routes.ts";
import type { KeyshipApp } from "../packages/keyship/src/app.ts";
import { createLogger } from "../packages/keyship/src/observability/logger.ts";
import { listen, type RunningServer } from "../packages/keyship/src/server.ts";

let app: KeyshipApp;
let server: RunningServer;
let base: string;

beforeAll(async () => {
  app = createApi({
    databaseUrl: "sqlite::memory:",
    envFile: false,
    processEnv: {},
    logger: createLogger("silent"),
    passwords: true,
  });
  server = await listen(app, { port: 0, hostname: "127.0.0.1", handleSignals: false });
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(() => server?.close());

it("calls the protected app routes with the device's token, typed end to end", async () => {
  const keyship = createKeyshipClient({ baseUrl: base, keyStore: memoryKeyStore() });
  const api = hc<ApiRoutes>(`${base}/api`, { fetch: keyship.fetch });

  // Not signed in: the SDK has no device key and the API refuses.
  const anonymous = hc<ApiRoutes>(`${base}/api`);
  expect((await anonymous.hello.$get()).status).toBe(401);

  const { userId } = await keyship.registerWithPassword({
    email: "ada@example.com",
    password: "correct horse battery",
    displayName: "Ada",
  });
  const hello = await api.hello.$get();
  expect(hello.status).toBe(200);
  const body = await hello.json();
  expectTypeOf(body).toEqualTypeOf<InferResponseType<typeof api.hello.$get, 200>>();
  expectTypeOf(body.role).toEqualTypeOf<"user" | "admin">();
  expect(body).toMatchObject({ userId, role: "user", via: "device", scopes: [] });

  // The scope guard answers 403 until the user holds the scope.
  expect((await api.reports.$get({ query: {} })).status).toBe(403);
  await app.keyship.db
    .updateTable("users")
    .set({ scopes: JSON.stringify(["reports:read"]) })
    .where("id", "=", userId)
    .execute();
  app.keyship.invalidateUser(userId);
  const reports = await api.reports.$get({ query: {} });
  expect(reports.status).toBe(200);
  const { reports: list } = await reports.json();
  expectTypeOf(list).items.toHaveProperty("total").toEqualTypeOf<number>();
  expect(list.map((r) => r.id)).toEqual(["q1", "q2"]);
  // The query is typed and validated: a quarter the route does not know is a compile error
  // and, sent anyway, a validation.failed problem.
  const q2 = await api.reports.$get({ query: { quarter: "q2" } });
  expect((await q2.json()).reports.map((r) => r.id)).toEqual(["q2"]);
  // @ts-expect-error: "q3" is not one of the route's quarters.
  const q3 = await api.reports.$get({ query: { quarter: "q3" } });
  expect(q3.status).toBe(400);

  // @ts-expect-error: the client knows the API's routes, and this one is not among them.
  expect(api.nope).toBeDefined();
});
