import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KeyshipApp } from "../../src/app.ts";
import { testApp } from "../helpers/app.ts";
import { dialects, type TestDatabase } from "../helpers/databases.ts";

describe.each(dialects)("GET /health on $name", (dialect) => {
  let target: TestDatabase;
  let app: KeyshipApp;
  // On PostgreSQL without Redis, other instances on the database are looked for (instances.test.ts).
  const instances = dialect.name === "postgres" ? { instances: { status: "ok" } } : {};
  // Without Redis the change feed rides on the database: NOTIFY, or SQLite's polled table.
  const changes = { status: "ok", backend: dialect.name === "postgres" ? "postgres" : "sqlite" };
  beforeAll(async () => {
    target = await dialect.create();
    app = testApp(target.url);
  });
  afterAll(async () => {
    await app.keyship.close();
    await target.drop();
  });

  it("answers 200 when the database is up", async () => {
    const res = await app.request("/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: "ok",
      checks: { database: { status: "ok" }, changes, ...instances },
    });
  });

  it("is ready when the database and the change feed are up (no Redis configured, none reported)", async () => {
    const res = await app.request("/health/ready");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: "ok",
      checks: { database: { status: "ok" }, changes, ...instances },
    });
  });
});

describe("GET /health with the database down", () => {
  it("answers 503 health.database_unavailable", async () => {
    // Nothing listens on port 1: a real connection failure, not a stub.
    const app = testApp("postgres://postgres@127.0.0.1:1/keyship", { autoMigrate: false });
    const res = await app.request("/health");
    expect(res.status).toBe(503);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(await res.json()).toMatchObject({
      code: "health.database_unavailable",
      checks: { database: { status: "down" } },
    });
    const ready = await app.request("/health/ready");
    expect(ready.status).toBe(503);
    expect(ready.headers.get("retry-after")).toBe("2");
    expect(((await ready.json()) as { code: string }).code).toBe("service_unavailable");
    await app.keyship.close();
  });
});

describe("health checks added to an instance", () => {
  const app = testApp("sqlite::memory:");
  afterAll(() => app.keyship.close());

  it("reports an optional check that is down as degraded, and the instance as not ready", async () => {
    app.keyship.health.add({
      name: "feed",
      check: () => ({ status: "down", since: "2026-01-01T00:00:00.000Z" }),
    });
    app.keyship.health.add({ name: "broken", check: () => Promise.reject(new Error("boom")) });
    const res = await app.request("/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: "degraded",
      checks: {
        database: { status: "ok" },
        changes: { status: "ok", backend: "sqlite" },
        feed: { status: "down", since: "2026-01-01T00:00:00.000Z" },
        broken: { status: "down" },
      },
    });
    const ready = await app.request("/health/ready");
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({
      code: "service_unavailable",
      checks: { feed: { status: "down" } },
    });
  });

  it("refuses a second check of the same name", () => {
    expect(() =>
      app.keyship.health.add({ name: "database", check: () => ({ status: "ok" }) }),
    ).toThrow(TypeError);
  });
});

describe("API docs", () => {
  const app = testApp("sqlite::memory:");
  afterAll(() => app.keyship.close());

  it("serves the OpenAPI document generated from the routes", async () => {
    const res = await app.request("/openapi.json");
    const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths["/health"] as object)).toEqual(["get"]);
    expect(Object.keys(doc.paths["/health/ready"] as object)).toEqual(["get"]);
  });

  it("serves Swagger UI and its assets locally", async () => {
    const page = await app.request("/docs");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("/docs/assets/swagger-ui-bundle.js");
    const bundle = await app.request("/docs/assets/swagger-ui-bundle.js");
    expect(bundle.status).toBe(200);
    expect((await bundle.text()).length).toBeGreaterThan(100_000);
  });
});
