/**
 * Secrets never reach the log: not in the access line, and not when a handler logs the
 * request it received (keyship's logger redacts by path and masks emails).
 */
import { afterAll, describe, expect, it } from "vitest";
import { type AppKind, observedApp } from "./helpers.ts";

const BEARER = "eyJhbGciOiJFUzI1NiJ9.c2VjcmV0LWFjY2Vzcy10b2tlbg.c2ln";
const COOKIE = "__Host-keyship_session=secret-cookie-value";
const PASSWORD = "correct horse battery staple";
const QUERY_TOKEN = "secret-query-token-123";
const EMAIL = "alice.liddell@example.com";
const SECRETS = [
  BEARER,
  "c2VjcmV0LWFjY2Vzcy10b2tlbg",
  "secret-cookie-value",
  PASSWORD,
  QUERY_TOKEN,
  EMAIL,
];
const TRACE = "5e1f0000000000000000000000000001";

describe.each<AppKind>(["hono", "keyship", "hooked"])("logs of a %s app", (kind) => {
  const observed = observedApp(kind, {}, (app) => {
    app.post("/sessions/:id", async (c) => {
      const body = (await c.req.json()) as Record<string, unknown>;
      // A careless handler logging what it received: redaction must still hold.
      c.var.logger.info(
        {
          body,
          headers: { authorization: c.req.header("authorization"), cookie: c.req.header("cookie") },
          email: body.email,
          token: c.req.query("token"),
        },
        "handler saw",
      );
      return c.json({ ok: true });
    });
  });
  afterAll(() => observed.close());

  function post(headers: Record<string, string>) {
    return observed.app.request(`/sessions/s1?token=${QUERY_TOKEN}`, {
      method: "POST",
      headers: { cookie: COOKIE, "content-type": "application/json", ...headers },
      body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
    });
  }

  it("keeps cookies, passwords, query strings and emails out of every line", async () => {
    const response = await post({ "x-trace-id": TRACE });
    expect(response.status).toBe(200);
    const line = observed.logs.requests().find((r) => r.trace_id === TRACE);
    expect(line).toMatchObject({ method: "POST", route: "/sessions/:id", status: 200 });
    const text = observed.logs.lines.join("");
    for (const secret of SECRETS) expect(text).not.toContain(secret);
  });

  it("keeps a bearer token out of every line, accepted or refused", async () => {
    const response = await post({ authorization: `Bearer ${BEARER}` });
    // keyship refuses the unknown token (401); the plain app lets it through.
    expect([200, 401]).toContain(response.status);
    const text = observed.logs.lines.join("");
    for (const secret of SECRETS) expect(text).not.toContain(secret);
  });

  it("masks emails to their first letter and domain and redacts passwords", () => {
    const saw = observed.logs.records().find((r) => r.msg === "handler saw");
    expect(saw).toMatchObject({
      email: "a***@example.com",
      body: { password: "[redacted]", email: "a***@example.com" },
      headers: { cookie: "[redacted]" },
    });
  });
});
