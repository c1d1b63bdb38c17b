/**
 * OpenTelemetry spans, recorded by a minimal provider registered through the public API:
 * one SERVER span per request continuing `traceparent`, children from `withSpan()` and
 * database spans from `traceQueries()`.
 */
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { Kysely, sql } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createSqliteDialect } from "../../src/db/sqlite.ts";
import { ProblemError } from "../../src/errors.ts";
import { traceQueries } from "../../src/observability/kysely.ts";
import { KEYSHIP_TRACER_NAME, withSpan } from "../../src/observability/tracing.ts";
import { type AppKind, observedApp } from "./helpers.ts";
import { type RecordingTracerProvider, registerRecorder } from "./otel-recorder.ts";

const PARENT_TRACE = "0af7651916cd43dd8448eb211c80319c";
const PARENT_SPAN = "b7ad6b7169203331";
const TRACEPARENT = `00-${PARENT_TRACE}-${PARENT_SPAN}-01`;

let provider: RecordingTracerProvider;
let unregister: () => void;
beforeAll(() => {
  ({ provider, unregister } = registerRecorder());
});
afterAll(() => unregister());
beforeEach(() => {
  provider.spans.length = 0;
});

describe.each<AppKind>(["hono", "keyship", "hooked"])("server spans on a %s app", (kind) => {
  const observed = observedApp(kind, {}, (app) => {
    app.get("/users/:id", async (c) => {
      const name = await withSpan("keyship.test.lookup", { "test.step": "lookup" }, () => "ok");
      return c.json({ name });
    });
    app.get("/boom", () => {
      throw new Error("database exploded: password=hunter2");
    });
    app.get("/refused", (c) => c.json({ code: "auth.forbidden" }, 403));
  });
  afterAll(() => observed.close());

  it("names the span after the route pattern and records its attributes", async () => {
    const response = await observed.app.request("/users/u_42?q=secret");
    const [span] = provider.named("GET /users/:id");
    expect(span).toMatchObject({
      scope: KEYSHIP_TRACER_NAME,
      kind: SpanKind.SERVER,
      ended: true,
      attributes: {
        "http.request.method": "GET",
        "http.route": "/users/:id",
        "http.response.status_code": 200,
        "keyship.trace_id": response.headers.get("x-trace-id"),
      },
    });
    expect(JSON.stringify(span)).not.toContain("u_42");
    expect(JSON.stringify(span)).not.toContain("secret");
  });

  it("continues an incoming traceparent: same trace id as X-Trace-Id, remote parent", async () => {
    const response = await observed.app.request("/users/u1", {
      headers: { traceparent: TRACEPARENT },
    });
    const [span] = provider.named("GET /users/:id");
    expect(response.headers.get("x-trace-id")).toBe(PARENT_TRACE);
    expect(span?.traceId).toBe(PARENT_TRACE);
    expect(span?.parentSpanId).toBe(PARENT_SPAN);
    const line = observed.logs.requests().at(-1);
    expect(line).toMatchObject({ trace_id: PARENT_TRACE, span_id: span?.spanId });
    expect(line?.otel_trace_id).toBeUndefined();
  });

  it("makes withSpan() spans children of the request span", async () => {
    await observed.app.request("/users/u1", { headers: { traceparent: TRACEPARENT } });
    const [server] = provider.named("GET /users/:id");
    const [child] = provider.named("keyship.test.lookup");
    expect(child).toMatchObject({
      kind: SpanKind.INTERNAL,
      traceId: PARENT_TRACE,
      parentSpanId: server?.spanId,
      attributes: { "test.step": "lookup" },
    });
  });

  it("marks 5xx spans as errors with error.type, never the message", async () => {
    expect((await observed.app.request("/boom")).status).toBe(500);
    const [span] = provider.named("GET /boom");
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(span?.attributes["error.type"]).toBe("Error");
    expect(JSON.stringify(span)).not.toContain("hunter2");
  });

  it("leaves 4xx spans unset: the client's error, not the server's", async () => {
    expect((await observed.app.request("/refused")).status).toBe(403);
    const [span] = provider.named("GET /refused");
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
    expect(span?.attributes["http.response.status_code"]).toBe(403);
  });
});

describe("withSpan", () => {
  it("returns the value and marks a thrown error by its code", async () => {
    await expect(withSpan("keyship.test.ok", {}, async () => 42)).resolves.toBe(42);
    const refused = withSpan("keyship.test.fail", {}, () => {
      throw new ProblemError("passkey.verification_failed");
    });
    await expect(refused).rejects.toBeInstanceOf(ProblemError);
    const [span] = provider.named("keyship.test.fail");
    expect(span).toMatchObject({
      ended: true,
      status: { code: SpanStatusCode.ERROR },
      attributes: { "error.type": "passkey.verification_failed" },
    });
  });
});

describe("traceQueries", () => {
  const db = new Kysely<{ things: { id: string; secret: string } }>({
    dialect: createSqliteDialect(":memory:"),
    log: traceQueries({ system: "sqlite" }),
  });
  beforeAll(() => sql`create table things (id text primary key, secret text)`.execute(db));
  afterAll(() => db.destroy());

  it("records one CLIENT span per query under the active span, without parameters", async () => {
    await withSpan("keyship.test.store", {}, async () => {
      await db.insertInto("things").values({ id: "t1", secret: "s3cr3t-value" }).execute();
      await db.selectFrom("things as t").selectAll().where("t.id", "=", "t1").execute();
    });
    const [parent] = provider.named("keyship.test.store");
    const [insert] = provider.named("INSERT things");
    const [select] = provider.named("SELECT things");
    for (const span of [insert, select]) {
      expect(span).toMatchObject({
        kind: SpanKind.CLIENT,
        parentSpanId: parent?.spanId,
        attributes: { "db.system.name": "sqlite", "db.collection.name": "things" },
      });
    }
    expect(select?.attributes["db.operation.name"]).toBe("SELECT");
    expect(String(select?.attributes["db.query.text"])).toMatch(/^select \* from "things"/);
    expect(JSON.stringify(provider.spans)).not.toContain("s3cr3t-value");
  });

  it("marks a failed query as an error", async () => {
    await expect(sql`select * from missing_table`.execute(db)).rejects.toThrow();
    const [span] = provider.named("SELECT");
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(span?.attributes["error.type"]).toBeTypeOf("string");
  });
});
