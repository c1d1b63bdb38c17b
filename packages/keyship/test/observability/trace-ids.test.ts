/**
 * Every response carries X-Trace-Id, continued from X-Trace-Id or traceparent or created, and
 * the request's log line carries the same id — on a plain Hono app and on a keyship app.
 */
import type { AddressInfo } from "node:net";
import { type ServerType, serve } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppKind, type ObservedApp, observedApp, TRACE_ID } from "./helpers.ts";

const INCOMING = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT_TRACE = "0af7651916cd43dd8448eb211c80319c";
const TRACEPARENT = `00-${PARENT_TRACE}-b7ad6b7169203331-01`;

describe.each<AppKind>(["hono", "keyship", "hooked"])("trace ids on a %s app", (kind) => {
  const observed: ObservedApp = observedApp(kind, {}, (app) => {
    app.get("/users/:id", (c) => c.json({ id: c.req.param("id") }));
    app.get("/me", async (c, next) => {
      c.set("principal", { userId: "u_test", role: "user", scopes: [], via: "session" });
      await next();
    });
    app.get("/me", (c) => c.json({ ok: true }));
  });
  const { app, logs } = observed;
  afterAll(() => observed.close());

  async function requestAndLog(path: string, headers: Record<string, string> = {}) {
    const before = logs.requests().length;
    const response = await app.request(path, { headers });
    const lines = logs.requests().slice(before);
    expect(lines).toHaveLength(1);
    return { response, line: lines[0] ?? {} };
  }

  it("continues a valid incoming X-Trace-Id", async () => {
    const { response, line } = await requestAndLog("/users/u1", { "X-Trace-Id": INCOMING });
    expect(response.headers.get("x-trace-id")).toBe(INCOMING);
    expect(line.trace_id).toBe(INCOMING);
  });

  it("continues the trace-id of a W3C traceparent", async () => {
    const { response, line } = await requestAndLog("/users/u1", { traceparent: TRACEPARENT });
    expect(response.headers.get("x-trace-id")).toBe(PARENT_TRACE);
    expect(line.trace_id).toBe(PARENT_TRACE);
  });

  it("creates a trace id when none came in", async () => {
    const { response, line } = await requestAndLog("/users/u1");
    const id = response.headers.get("x-trace-id");
    expect(id).toMatch(TRACE_ID);
    expect(line.trace_id).toBe(id);
  });

  it.each([
    ["text that would forge a log field", { "X-Trace-Id": '","level":60,"x":"' }],
    ["an all-zero id", { "X-Trace-Id": "0".repeat(32) }],
    ["a malformed traceparent", { traceparent: "00-zz-b7ad6b7169203331-01" }],
  ])("replaces %s with a new id", async (_name, headers) => {
    const { response, line } = await requestAndLog("/users/u1", headers);
    const id = response.headers.get("x-trace-id");
    expect(id).toMatch(TRACE_ID);
    expect(id).not.toBe("0".repeat(32));
    expect(line.trace_id).toBe(id);
  });

  it("logs one line with method, route pattern, status and duration", async () => {
    const { line } = await requestAndLog("/users/u_123?token=abc");
    expect(line).toMatchObject({ level: 30, method: "GET", route: "/users/:id", status: 200 });
    expect(typeof line.duration_ms).toBe("number");
    expect(JSON.stringify(line)).not.toContain("u_123");
  });

  it("logs the principal's user id", async () => {
    const { line } = await requestAndLog("/me");
    expect(line.user_id).toBe("u_test");
  });

  it("logs unknown paths under a route pattern, not the path", async () => {
    const { response, line } = await requestAndLog("/no/such/path/u_999");
    expect(response.status).toBe(404);
    expect(line.status).toBe(404);
    expect(String(line.route)).not.toContain("u_999");
  });
});

describe("trace ids in problem responses", () => {
  const observed = observedApp("keyship");
  afterAll(() => observed.close());

  it("uses the same id in the header, the problem body and the log line", async () => {
    const response = await observed.app.request("/no/such/route", {
      headers: { "X-Trace-Id": INCOMING },
    });
    const body = (await response.json()) as { trace_id: string };
    expect(response.headers.get("x-trace-id")).toBe(INCOMING);
    expect(body.trace_id).toBe(INCOMING);
    expect(observed.logs.requests().at(-1)?.trace_id).toBe(INCOMING);
  });
});

describe.each<AppKind>(["hono", "keyship", "hooked"])(
  "trace ids over Node's HTTP server on a %s app",
  (kind) => {
    // Served by @hono/node-server, the header is put on Node's response directly; these
    // check it arrives exactly once, also on responses the handler built itself.
    const observed = observedApp(kind, {}, (app) => {
      app.get("/plain", (c) => c.json({ ok: true }));
      app.get("/raw", () => new Response("raw", { headers: { "content-type": "text/plain" } }));
      app.get("/stream", () => new Response(new Blob(["a", "b"]).stream()));
    });
    let server: ServerType;
    let base = "";
    beforeAll(async () => {
      server = await new Promise<ServerType>((resolve) => {
        const s = serve({ fetch: observed.app.fetch, port: 0, hostname: "127.0.0.1" }, () =>
          resolve(s),
        );
      });
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      await new Promise((resolve) => server.close(resolve));
      await observed.close();
    });

    it.each(["/plain", "/raw", "/stream", "/no/such/route"])(
      "sends one X-Trace-Id on %s, the one in the log line",
      async (path) => {
        const before = observed.logs.requests().length;
        const response = await fetch(`${base}${path}`);
        await response.arrayBuffer();
        const id = response.headers.get("x-trace-id");
        expect(id).toMatch(TRACE_ID); // a duplicate would read "id, id"
        expect(
          observed.logs
            .requests()
            .slice(before)
            .map((l) => l.trace_id),
        ).toEqual([id]);
      },
    );

    it("continues an incoming id and repeats it in a problem body", async () => {
      const response = await fetch(`${base}/no/such/route`, {
        headers: { "X-Trace-Id": INCOMING },
      });
      expect(response.headers.get("x-trace-id")).toBe(INCOMING);
      // A plain Hono app answers its own text 404; keyship's problem body repeats the id.
      if (kind === "keyship") {
        expect(((await response.json()) as { trace_id?: string }).trace_id).toBe(INCOMING);
      }
    });
  },
);
