/** `/metrics`: off by default, Prometheus text when on, counters that move, optional token. */
import { afterAll, describe, expect, it } from "vitest";
import { KeyshipConfigError } from "../../src/errors.ts";
import { recordSignIn, recordTokenFailure } from "../../src/observability/metrics.ts";
import { type AppKind, observedApp } from "./helpers.ts";

interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
const LABEL = `[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"`;
const SAMPLE = new RegExp(`^(${NAME})(?:\\{((?:${LABEL})(?:,${LABEL})*)?\\})? (\\S+)$`);
const COMMENT = new RegExp(
  `^# (?:HELP ${NAME} .*|TYPE ${NAME} (?:counter|gauge|histogram|summary|untyped))$`,
);

/** Parses the Prometheus text format strictly: every line is a comment or a sample. */
function parsePrometheus(text: string): Sample[] {
  expect(text.endsWith("\n")).toBe(true);
  return text
    .trimEnd()
    .split("\n")
    .flatMap((line) => {
      if (line.startsWith("#")) {
        expect(line).toMatch(COMMENT);
        return [];
      }
      const match = SAMPLE.exec(line);
      expect(match, line).not.toBeNull();
      const [, name = "", rawLabels = "", value = ""] = match ?? [];
      const labels = Object.fromEntries(
        [...rawLabels.matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
      );
      const number = value === "+Inf" ? Number.POSITIVE_INFINITY : Number(value);
      expect(Number.isNaN(number)).toBe(false);
      return [{ name, labels, value: number }];
    });
}

function sampleValue(samples: Sample[], name: string, labels: Record<string, string>): number {
  const found = samples.find(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  return found?.value ?? 0;
}

describe.each<AppKind>(["hono", "keyship", "hooked"])("/metrics on a %s app", (kind) => {
  const observed = observedApp(kind, { metrics: true }, (app) => {
    app.get("/users/:id", (c) => c.json({ id: c.req.param("id") }));
  });
  afterAll(() => observed.close());

  async function scrape(): Promise<Sample[]> {
    const response = await observed.app.request("/metrics");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    return parsePrometheus(await response.text());
  }

  it("counts sign-ins by method and result", async () => {
    const before = await scrape();
    recordSignIn("passkey", "success");
    recordSignIn("passkey", "success");
    recordSignIn("password", "failure");
    const after = await scrape();
    const name = "keyship_signin_total";
    const delta = (labels: Record<string, string>) =>
      sampleValue(after, name, labels) - sampleValue(before, name, labels);
    expect(delta({ method: "passkey", result: "success" })).toBe(2);
    expect(delta({ method: "password", result: "failure" })).toBe(1);
  });

  it("counts token verification failures by code", async () => {
    const before = await scrape();
    recordTokenFailure("token.expired");
    const after = await scrape();
    const name = "keyship_token_verification_failures_total";
    expect(sampleValue(after, name, { code: "token.expired" })).toBe(
      sampleValue(before, name, { code: "token.expired" }) + 1,
    );
  });

  it("keeps label values bounded: unexpected text counts as `other`", async () => {
    const before = await scrape();
    recordTokenFailure('evil"} 1\nkeyship_fake_total 99');
    recordSignIn("x".repeat(200), "failure");
    const after = await scrape();
    expect(after.some((s) => s.name === "keyship_fake_total")).toBe(false);
    const failures = "keyship_token_verification_failures_total";
    const other = { code: "other" };
    expect(sampleValue(after, failures, other) - sampleValue(before, failures, other)).toBe(1);
    const signIns = { method: "other", result: "failure" };
    expect(sampleValue(after, "keyship_signin_total", signIns)).toBe(
      sampleValue(before, "keyship_signin_total", signIns) + 1,
    );
  });

  it("measures request latency by route pattern, not path", async () => {
    const series = { method: "GET", route: "/users/:id", status: "200" };
    const name = "keyship_http_request_duration_seconds";
    const before = sampleValue(await scrape(), `${name}_count`, series);
    await observed.app.request("/users/u_1");
    await observed.app.request("/users/u_2");
    const samples = await scrape();
    expect(sampleValue(samples, `${name}_count`, series)).toBe(before + 2);
    expect(sampleValue(samples, `${name}_bucket`, { ...series, le: "+Inf" })).toBe(before + 2);
    expect(samples.some((s) => Object.values(s.labels).some((v) => v.includes("u_1")))).toBe(false);
    const buckets = samples.filter(
      (s) => s.name === `${name}_bucket` && s.labels.route === "/users/:id",
    );
    const counts = buckets.map((s) => s.value);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
  });
});

describe.each<AppKind>(["hono", "keyship"])("/metrics switched off on a %s app", (kind) => {
  const observed = observedApp(kind);
  afterAll(() => observed.close());

  it("is absent by default", async () => {
    expect(observed.observability.metrics.enabled).toBe(false);
    expect((await observed.app.request("/metrics")).status).toBe(404);
  });
});

describe("metrics settings", () => {
  const opened: { close(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const app of opened) await app.close();
  });

  it("turns on with KEYSHIP_METRICS_ENABLED=true", async () => {
    const observed = observedApp("hono", { env: { KEYSHIP_METRICS_ENABLED: "true" } });
    opened.push(observed);
    expect((await observed.app.request("/metrics")).status).toBe(200);
  });

  it("serves another path when asked", async () => {
    const observed = observedApp("hono", { metrics: { path: "/internal/metrics" } });
    opened.push(observed);
    expect((await observed.app.request("/internal/metrics")).status).toBe(200);
    expect((await observed.app.request("/metrics")).status).toBe(404);
  });

  it.each([
    ["KEYSHIP_METRICS_ENABLED is not a boolean", { env: { KEYSHIP_METRICS_ENABLED: "maybe" } }],
    ["the token is short", { metrics: true, env: { KEYSHIP_METRICS_TOKEN: "short" } }],
    ["the path is relative", { metrics: { path: "metrics" } }],
  ])("refuses to start when %s", (_name, options) => {
    expect(() => observedApp("hono", options)).toThrow(KeyshipConfigError);
  });
});

// On `keyship` apps this needs createApp() to install observabilityHook() first; until then
// keyship's global authenticate() answers the scraper's bearer token before /metrics does.
describe.each<AppKind>(["hono", "hooked"])("/metrics with a token on a %s app", (kind) => {
  const TOKEN = "metrics-token-0123456789abcdef";
  const observed = observedApp(kind, {
    metrics: true,
    env: { KEYSHIP_METRICS_TOKEN: TOKEN },
  });
  afterAll(() => observed.close());

  it.each([
    ["no credentials", {}, 'Bearer realm="metrics"'],
    ["a wrong token", { authorization: "Bearer metrics-token-0123456789abcdeX" }, "invalid_token"],
    ["a prefix of the token", { authorization: "Bearer metrics-token" }, "invalid_token"],
    ["another scheme", { authorization: `Basic ${TOKEN}` }, 'Bearer realm="metrics"'],
  ])("answers 401 to %s", async (_name, headers, challenge) => {
    const response = await observed.app.request("/metrics", { headers });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toContain(challenge);
    expect(((await response.json()) as { code: string }).code).toBe("auth.unauthenticated");
  });

  it("serves the metrics to the right bearer token", async () => {
    expect(observed.observability.metrics.isProtected).toBe(true);
    const response = await observed.app.request("/metrics", {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("# TYPE keyship_signin_total counter");
  });
});
