/**
 * Several instances on one PostgreSQL database without Redis are detected (each tags its
 * connections `keyship:<id>` and looks in `pg_stat_activity`): a warning once in the log and
 * in `/health`'s `instances` check, never an outage. On a private database, so instances of
 * other suites on the same server cannot be mistaken for ours.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KeyshipApp } from "../../src/app.ts";
import { taggedConnection } from "../../src/db/instances.ts";
import { SEVERAL_INSTANCES_WARNING } from "../../src/health/instances.ts";
import { eventually } from "../changes/instances.ts";
import { testApp } from "../helpers/app.ts";
import { dialects, type TestDatabase } from "../helpers/databases.ts";
import { capturedLogs } from "../helpers/logs.ts";
import { sharedRedisUrl, testPrefix } from "../helpers/redis.ts";

const postgres = dialects.find((d) => d.name === "postgres");

/** An instance on `url` whose log lines are kept. */
function loggedInstance(url: string, options: Parameters<typeof testApp>[1] = {}) {
  const { logger, lines } = capturedLogs("warn");
  const app = testApp(url, { logger, ...options });
  const warnings = () => lines.filter((l) => l.includes(SEVERAL_INSTANCES_WARNING)).length;
  return { app, warnings };
}

type Checks = Record<string, { status: string; warning?: string }>;
const checksOf = async (app: KeyshipApp) => {
  const res = await app.request("/health");
  expect(res.status).toBe(200);
  return ((await res.json()) as { status: string; checks: Checks }).checks;
};

describe.skipIf(postgres === undefined)("several instances on PostgreSQL without Redis", () => {
  let target: TestDatabase;
  const started: ReturnType<typeof loggedInstance>[] = [];

  beforeAll(async () => {
    target = await (postgres as NonNullable<typeof postgres>).create();
  });
  afterAll(async () => {
    for (const { app } of started) await app.keyship.close();
    await target?.drop();
  });

  it("one instance alone: no warning", async () => {
    const a = loggedInstance(target.url);
    started.push(a);
    await a.app.keyship.ready;
    expect((await checksOf(a.app)).instances).toEqual({ status: "ok" });
    expect(a.warnings()).toBe(0);
  });

  it("a second one warns at startup; the first says so in /health and logs it once", async () => {
    const [a] = started as [ReturnType<typeof loggedInstance>];
    const first = a.app;
    const b = loggedInstance(target.url, { autoMigrate: false });
    started.push(b);
    await b.app.keyship.ready;
    await eventually(async () => b.warnings() === 1);
    const checks = await checksOf(first);
    expect(checks.instances).toEqual({ status: "ok", warning: SEVERAL_INSTANCES_WARNING });
    expect((await first.request("/health/ready")).status).toBe(200); // a warning, not an outage
    expect((await checksOf(b.app)).instances?.warning).toBe(SEVERAL_INSTANCES_WARNING);
    await checksOf(first);
    expect([a.warnings(), b.warnings()]).toEqual([1, 1]);
  });

  it("no warning once the other instance is gone", async () => {
    const [first, second] = started.map((s) => s.app) as [KeyshipApp, KeyshipApp];
    await second.keyship.close();
    await eventually(async () => (await checksOf(first)).instances?.warning === undefined);
  });

  it.skipIf(sharedRedisUrl === undefined)("with Redis, no such check", async () => {
    const c = loggedInstance(target.url, { redisUrl: sharedRedisUrl, redisPrefix: testPrefix() });
    started.push(c);
    await c.app.keyship.ready;
    expect((await checksOf(c.app)).instances).toBeUndefined();
    expect(c.warnings()).toBe(0);
  });

  it("an application_name in the database URL is kept after the tag and does not hide the instance", async () => {
    for (const { app } of started) await app.keyship.close();
    const first = loggedInstance(target.url);
    started.push(first);
    await first.app.keyship.ready;
    const named = new URL(target.url);
    named.searchParams.set("application_name", "billing-api");
    const second = loggedInstance(named.toString(), { autoMigrate: false });
    started.push(second);
    await second.app.keyship.ready;
    await eventually(async () => second.warnings() === 1);
    expect((await checksOf(first.app)).instances?.warning).toBe(SEVERAL_INSTANCES_WARNING);
    const { rows } = await sql<{ name: string }>`
      select application_name as name from pg_stat_activity
      where datname = current_database() and application_name like '% billing-api'`.execute(
      first.app.keyship.db,
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const { name } of rows) expect(name).toMatch(/^keyship:[\w-]{12} billing-api$/);
  });
});

describe("taggedConnection", () => {
  it("leaves a URL without application_name as it is and tags with the instance name", () => {
    const url = "postgres://app:s%40cret@db.internal:5432/keyship?sslmode=require";
    expect(taggedConnection(url, "keyship:abc")).toEqual({ url, applicationName: "keyship:abc" });
  });

  it("moves the URL's application_name after the tag, keeping the other parameters", () => {
    const { url, applicationName } = taggedConnection(
      "postgres://app@db/keyship?application_name=api&sslmode=require",
      "keyship:abc",
    );
    expect(applicationName).toBe("keyship:abc api");
    expect(new URL(url).searchParams.get("application_name")).toBeNull();
    expect(new URL(url).searchParams.get("sslmode")).toBe("require");
  });

  it("keeps the whole name within PostgreSQL's 63 bytes", () => {
    const { applicationName } = taggedConnection(
      `postgres://db/k?application_name=${"é".repeat(40)}`,
      "keyship:abcdefghijkl",
    );
    expect(Buffer.byteLength(applicationName)).toBeLessThanOrEqual(63);
    expect(applicationName.startsWith("keyship:abcdefghijkl é")).toBe(true);
    expect(applicationName).not.toContain("\uFFFD");
  });
});
