/**
 * A lost connection to the announcer: the feed says so (log, status), drops everything cached
 * and trusts caches for a short time only, until it listens again. PostgreSQL's LISTEN
 * connection runs through a proxy the test cuts; announcements still go through the pool.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChangeFeed, FALLBACK_TRUST_MS } from "../../src/changes/feed.ts";
import type { Change } from "../../src/changes/model.ts";
import { postgresTransport } from "../../src/changes/postgres.ts";
import { openDatabase } from "../../src/db/connect.ts";
import { migrateToLatest } from "../../src/db/migrate.ts";
import type { DB } from "../../src/db/schema.ts";
import { changeFeedCheck } from "../../src/health/checks.ts";
import { dialects, type TestDatabase } from "../helpers/databases.ts";
import { capturedLogs } from "../helpers/logs.ts";
import { eventually } from "./instances.ts";
import { type CuttableProxy, startProxy } from "./proxy.ts";

const postgres = dialects.find((d) => d.name === "postgres");

describe.skipIf(postgres === undefined)("the change feed on PostgreSQL when LISTEN is lost", () => {
  let target: TestDatabase;
  let db: DB;
  let proxy: CuttableProxy;
  const { logger, lines } = capturedLogs("info");

  beforeAll(async () => {
    target = await (postgres as NonNullable<typeof postgres>).create();
    ({ db } = openDatabase(target.url));
    await migrateToLatest(db, "postgres");
    const url = new URL(target.url);
    proxy = await startProxy(url.hostname, Number(url.port || 5432));
  });
  afterAll(async () => {
    await proxy?.close();
    await db?.destroy();
    await target?.drop();
  });

  it("falls back to a short cache lifetime, says so, and recovers", async () => {
    const through = new URL(target.url);
    through.port = String(proxy.port);
    through.hostname = "127.0.0.1";
    const feed = createChangeFeed({
      transport: postgresTransport(db, through.toString()),
      logger,
    });
    const heard: Change[] = [];
    let resets = 0;
    feed.subscribe({ change: (c) => heard.push(c), reset: () => resets++ });
    const ttl = feed.trustMs(30_000);
    await feed.start();
    const health = changeFeedCheck(feed);
    expect([feed.status().live, ttl()]).toEqual([true, 30_000]);
    expect(health.check()).toEqual({ status: "ok", backend: "postgres" });

    await proxy.cut();
    await eventually(async () => !feed.status().live);
    expect([ttl(), resets]).toEqual([FALLBACK_TRUST_MS, 1]);
    expect(health.check()).toEqual({
      status: "down",
      since: feed.status().since,
      backend: "postgres",
    });
    expect(lines.some((l) => l.includes('"msg":"change feed lost'))).toBe(true);

    await proxy.restore();
    await eventually(async () => feed.status().live);
    expect(ttl()).toBe(30_000);
    expect(health.check()).toEqual({ status: "ok", backend: "postgres" });
    // Listening again: another process's announcement arrives.
    const other = createChangeFeed({ transport: postgresTransport(db, target.url), logger });
    other.announce({ kind: "device", id: "d_after_reconnect" });
    await eventually(async () => heard.some((c) => c.id === "d_after_reconnect"));
    await other.close();
    await feed.close();
  });
});
