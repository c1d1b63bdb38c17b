import { createRoute, z } from "@hono/zod-openapi";
import { afterAll, describe, expect, it } from "vitest";
import { ProblemError } from "../../src/errors.ts";
import { createRouter } from "../../src/http/router.ts";
import { postJson, testApp } from "../helpers/app.ts";

const app = testApp("sqlite::memory:", { bodyLimitBytes: 2048 });
const echo = createRouter();
echo.openapi(
  createRoute({
    method: "post",
    path: "/echo",
    request: {
      body: {
        required: true,
        content: { "application/json": { schema: z.object({ name: z.string().min(1).max(20) }) } },
      },
    },
    responses: { 200: { description: "echo" } },
  }),
  (c) => c.json({ name: c.req.valid("json").name }, 200),
);
app.route("/t", echo);
// A single-page app's fallback, as the demo and the template mount it: it passes API paths on.
app.get("*", (c, next) => (c.req.path.startsWith("/spa") ? c.text("index.html") : next()));
app.get("/t/boom", () => {
  throw new Error("SELECT secret FROM users -- at /srv/app.ts:12");
});
app.get("/t/refuse", () => {
  throw new ProblemError("auth.forbidden", { headers: { "X-Extra": "1" } });
});

afterAll(() => app.keyship.close());

async function problem(res: Response) {
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  const body = (await res.json()) as Record<string, unknown>;
  expect(body.status).toBe(res.status);
  expect(body.trace_id).toBe(res.headers.get("x-trace-id"));
  expect(body.type).toBe(`urn:keyship:error:${body.code as string}`);
  return body;
}

describe("problem+json errors", () => {
  it("accepts a valid JSON body", async () => {
    const res = await postJson(app, "/t/echo", { name: "ada" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ name: "ada" });
  });

  it("answers malformed JSON with 400 request.malformed_json", async () => {
    const res = await app.request("/t/echo", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"name": ',
    });
    expect(res.status).toBe(400);
    expect((await problem(res)).code).toBe("request.malformed_json");
  });

  it("answers schema failures with 400 validation.failed and the failing paths", async () => {
    const res = await postJson(app, "/t/echo", { name: "" });
    expect(res.status).toBe(400);
    const body = await problem(res);
    expect(body.code).toBe("validation.failed");
    expect(body.errors).toEqual([expect.objectContaining({ path: "name" })]);
  });

  it("answers an oversized body with 413 request.body_too_large", async () => {
    const res = await postJson(app, "/t/echo", { name: "x".repeat(5000) });
    expect(res.status).toBe(413);
    expect((await problem(res)).code).toBe("request.body_too_large");
  });

  it("answers an oversized body without Content-Length with 413", async () => {
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(JSON.stringify({ name: "y".repeat(5000) })));
        controller.close();
      },
    });
    const res = await app.request("/t/echo", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
  });

  it("answers a non-JSON body with 415 request.unsupported_media_type", async () => {
    const res = await app.request("/t/echo", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "name=ada",
    });
    expect(res.status).toBe(415);
    expect((await problem(res)).code).toBe("request.unsupported_media_type");
  });

  it("answers an unknown route with 404 route.not_found", async () => {
    const res = await app.request("/nowhere");
    expect(res.status).toBe(404);
    expect((await problem(res)).code).toBe("route.not_found");
  });

  it.each([
    ["GET", "/auth/nope"],
    ["GET", "/api/nope"],
    ["POST", "/auth/nope"],
    ["HEAD", "/api/nope"],
  ])("answers %s %s with 404 despite a wildcard GET fallback", async (method, path) => {
    const res = await app.request(path, { method });
    expect(res.status).toBe(404);
    expect(res.headers.get("allow")).toBeNull();
    if (method !== "HEAD") expect((await problem(res)).code).toBe("route.not_found");
  });

  it("answers a known path with the wrong method with 405 and Allow", async () => {
    const res = await app.request("/t/echo", { method: "GET" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
    expect((await problem(res)).code).toBe("route.method_not_allowed");
  });

  it("hides unexpected errors behind 500 internal.error with no stack or SQL", async () => {
    const res = await app.request("/t/boom");
    expect(res.status).toBe(500);
    const text = JSON.stringify(await problem(res));
    expect(text).not.toMatch(/SELECT|secret|app\.ts|at /);
  });

  it("keeps a ProblemError's code, status and headers", async () => {
    const res = await app.request("/t/refuse");
    expect(res.status).toBe(403);
    expect(res.headers.get("x-extra")).toBe("1");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect((await problem(res)).code).toBe("auth.forbidden");
  });

  it.each([
    [
      "a valid X-Trace-Id",
      { "x-trace-id": "4bf92f3577b34da6a3ce929d0e0e4736" },
      "4bf92f3577b34da6a3ce929d0e0e4736",
    ],
    [
      "a W3C traceparent",
      { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" },
      "0af7651916cd43dd8448eb211c80319c",
    ],
  ])("continues %s", async (_name, headers, expected) => {
    const res = await app.request("/nowhere", { headers });
    expect(res.headers.get("x-trace-id")).toBe(expected);
    expect(((await res.json()) as { trace_id: string }).trace_id).toBe(expected);
  });

  it("replaces an invalid incoming trace id with a fresh one", async () => {
    const res = await app.request("/nowhere", { headers: { "x-trace-id": "evil-not-a-trace-id" } });
    expect(res.headers.get("x-trace-id")).toMatch(/^[0-9a-f]{32}$/);
  });
});
