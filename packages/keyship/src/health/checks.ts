/**
 * The named health checks of one instance: the database always, Redis when `redisUrl` is set,
 * and whatever else registers (the change feed, an app's own dependency). `GET /health` and
 * `GET /health/ready` run them all, each bounded in time, so a hung dependency never hangs the
 * probe.
 * @module
 */
import { sql } from "kysely";
import type { ChangeFeed } from "../changes/feed.ts";
import type { DB } from "../db/schema.ts";
import type { RedisConnection } from "../redis/connection.ts";

/** One dependency's state. */
export interface DependencyHealth {
  /** `ok`, or `down` while it cannot serve. */
  readonly status: "ok" | "down";
  /** Since when it is down (ISO 8601), when known. */
  readonly since?: string;
  /** Something to fix although the dependency serves (e.g. `instances`). */
  readonly warning?: string;
  /** What carries it, when there is a choice: the change feed's `redis`, `postgres` or `sqlite`. */
  readonly backend?: string;
}

/** A named check. */
export interface HealthCheck {
  /** Its name in the report: `[a-z][a-z0-9_]*`, e.g. `database`, `redis`. */
  readonly name: string;
  /**
   * Whether the instance can serve (`/health` answers 200) while it is down. The database is
   * not: without it `/health` answers 503. Every check makes `/health/ready` answer 503.
   * @default true
   */
  readonly optional?: boolean;
  /** Reports the dependency's state. A throw or a timeout counts as `down`. */
  check(): DependencyHealth | Promise<DependencyHealth>;
}

/** What one run of every check found. */
export interface HealthReport {
  /** `ok` when all are ok; `degraded` when an optional one is down; `down` otherwise. */
  readonly status: "ok" | "degraded" | "down";
  /** Each check's state, by name, in registration order. */
  readonly checks: Readonly<Record<string, DependencyHealth>>;
}

/** The instance's health checks. */
export interface HealthChecks {
  /**
   * Registers a check (e.g. the change feed's connection).
   * @throws TypeError when the name is malformed or taken
   */
  add(check: HealthCheck): void;
  /** Runs every check at once, each bounded by {@link HEALTH_CHECK_TIMEOUT_MS}. */
  run(): Promise<HealthReport>;
}

/** How long one check may take before it counts as down. */
export const HEALTH_CHECK_TIMEOUT_MS = 2000;

const NAME = /^[a-z][a-z0-9_]*$/;
const DOWN: DependencyHealth = Object.freeze({ status: "down" });

/** Runs one check; a throw, a bad answer or no answer within the bound is `down`. */
async function runOne(check: HealthCheck): Promise<DependencyHealth> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<DependencyHealth>((resolve) => {
    timer = setTimeout(resolve, HEALTH_CHECK_TIMEOUT_MS, DOWN);
  });
  try {
    return await Promise.race([Promise.resolve().then(() => check.check()), timeout]);
  } catch {
    return DOWN;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Creates an empty set of checks.
 * @example
 * const health = createHealthChecks();
 * health.add(databaseCheck(db));
 * const report = await health.run(); // { status: "ok", checks: { database: { status: "ok" } } }
 */
export function createHealthChecks(): HealthChecks {
  const checks: HealthCheck[] = [];
  return {
    add(check) {
      if (!NAME.test(check.name))
        throw new TypeError(`health check name ${check.name} is malformed`);
      if (checks.some((c) => c.name === check.name)) {
        throw new TypeError(`a health check named ${check.name} exists already`);
      }
      checks.push(check);
    },
    async run() {
      const results = await Promise.all(checks.map(runOne));
      const report: Record<string, DependencyHealth> = {};
      let status: HealthReport["status"] = "ok";
      checks.forEach((check, i) => {
        const result = results[i] ?? DOWN;
        report[check.name] = result;
        if (result.status === "ok") return;
        if (check.optional === false) status = "down";
        else if (status === "ok") status = "degraded";
      });
      return { status, checks: report };
    },
  };
}

/** The database check: `select 1`. Required: without the database `/health` answers 503. */
export function databaseCheck(db: DB): HealthCheck {
  return {
    name: "database",
    optional: false,
    async check() {
      await sql`select 1`.execute(db);
      return { status: "ok" };
    },
  };
}

/** The Redis check: down while disconnected (with since when), else a `PING` answered. */
export function redisCheck(redis: RedisConnection): HealthCheck {
  return {
    name: "redis",
    async check() {
      if (!redis.isReady) {
        return { status: "down", since: new Date(redis.status().since).toISOString() };
      }
      return redis
        .run((client) => client.ping())
        .then(
          () => ({ status: "ok" }),
          () => DOWN,
        );
    },
  };
}

/**
 * The change feed's check: down (with since when) while the feed is not listening, when this
 * process trusts its caches for a second only and changes made elsewhere may lag that long.
 */
export function changeFeedCheck(feed: Pick<ChangeFeed, "status">): HealthCheck {
  return {
    name: "changes",
    check() {
      const { backend, live, since } = feed.status();
      return live ? { status: "ok", backend } : { status: "down", since, backend };
    },
  };
}
