import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KeyshipApp } from "../../src/app.ts";
import { testApp } from "../helpers/app.ts";
import { dialects, type TestDatabase } from "../helpers/databases.ts";

describe.each(dialects)("GET /health on $name", (dialect) => {
  let target: TestDatabase;
  let app: KeyshipApp;
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
    expect(await res.json()).toEqual({ status: "ok", database: "ok" });
  });
});

describe("GET /health with the database down", () => {
  it("answers 503 health.database_unavailable", async () => {
    // Nothing listens on port 1: a real connection failure, not a stub.
    const app = testApp("postgres://postgres@127.0.0.1:1/keyship", { autoMigrate: false });
    const res = await app.request("/health");
    expect(res.status).toBe(503);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(((await res.json()) as { code: string }).code).toBe("health.database_unavailable");
    await app.keyship.close();
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
