/** With no OpenTelemetry SDK registered, tracing is a no-op that changes nothing. */
import { context, trace } from "@opentelemetry/api";
import { Kysely, sql } from "kysely";
import { beforeAll, expect, it } from "vitest";
import { createSqliteDialect } from "../../src/db/sqlite.ts";
import { traceQueries } from "../../src/observability/kysely.ts";
import { withSpan } from "../../src/observability/tracing.ts";
import { observedApp } from "./helpers.ts";

beforeAll(() => {
  trace.disable();
  context.disable();
});

it("runs withSpan() bodies with a non-recording span", async () => {
  const recording = await withSpan("keyship.test.noop", { a: 1 }, (span) => span.isRecording());
  expect(recording).toBe(false);
});

it("lets Kysely queries run through traceQueries()", async () => {
  const db = new Kysely<object>({ dialect: createSqliteDialect(":memory:"), log: traceQueries() });
  const { rows } = await sql<{ one: number }>`select 1 as one`.execute(db);
  expect(rows).toEqual([{ one: 1 }]);
  await db.destroy();
});

it("logs requests without span ids", async () => {
  const observed = observedApp("hono", {}, (app) => app.get("/x", (c) => c.text("ok")));
  expect((await observed.app.request("/x")).status).toBe(200);
  const [line] = observed.logs.requests();
  expect(line?.trace_id).toMatch(/^[0-9a-f]{32}$/);
  expect(line?.span_id).toBeUndefined();
});
