/**
 * A fleet of real keyship server processes on loopback sharing one private PostgreSQL database
 * and, when asked, one Redis under a fresh key prefix, as docs/deployment.md's "three instances
 * on one machine" runs them; and the propagation measurement over it: how long after one
 * instance answered a sign-out the others refuse the session. Used by the multi-instance tests
 * and by `bench/propagation.ts`.
 */
import type { KeyshipApp } from "../../src/app.ts";
import { postJson } from "../helpers/app.ts";
import { SoftwareAuthenticator } from "../helpers/authenticator.ts";
import { dialects, type TestDatabase } from "../helpers/databases.ts";
import { registerAccount, TEST_ORIGIN } from "../helpers/passkeys.ts";
import { deletePrefix, testPrefix } from "../helpers/redis.ts";
import { bearer, loginWithSession } from "../helpers/sessions.ts";
import { eventually } from "./instances.ts";
import { baseEnv, type ServerProcess, startServer } from "./processes.ts";

/** Options of {@link startFleet}. */
export interface FleetOptions {
  /** How many server processes. */
  readonly count: number;
  /** The Redis every instance shares (`KEYSHIP_REDIS_URL`); none when undefined. */
  readonly redisUrl?: string | undefined;
  /** More `KEYSHIP_*` settings, the same for every instance. */
  readonly settings?: Record<string, string>;
}

/** Running instances on one database (and one Redis). */
export interface Fleet {
  readonly servers: readonly ServerProcess[];
  /** The environment every instance got: what the CLI needs to act on the same deployment. */
  readonly env: Record<string, string>;
  /** The instances' `KEYSHIP_REDIS_PREFIX`, with Redis. */
  readonly redisPrefix?: string;
  /** Stops every instance, drops the database and deletes the Redis keys. */
  close(): Promise<void>;
}

/**
 * Starts `count` server processes on a fresh PostgreSQL database (from
 * `KEYSHIP_TEST_POSTGRES_URL`) and resolves once all listen. They start together: one runs the
 * migrations, the others wait on the migration lock.
 * @throws when PostgreSQL is not configured, or a server exits before it listens
 */
export async function startFleet(options: FleetOptions): Promise<Fleet> {
  const postgres = dialects.find((d) => d.name === "postgres");
  if (postgres === undefined) throw new Error("a fleet needs KEYSHIP_TEST_POSTGRES_URL");
  const database: TestDatabase = await postgres.create();
  const prefix = testPrefix();
  const env = baseEnv({
    KEYSHIP_DATABASE_URL: database.url,
    ...(options.redisUrl === undefined
      ? {}
      : { KEYSHIP_REDIS_URL: options.redisUrl, KEYSHIP_REDIS_PREFIX: prefix }),
    ...options.settings,
  });
  const started = await Promise.allSettled(
    Array.from({ length: options.count }, () => startServer(env)),
  );
  const servers = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  const close = async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await database.drop();
    if (options.redisUrl !== undefined) await deletePrefix(options.redisUrl, prefix);
  };
  const failed = started.find((s) => s.status === "rejected");
  if (failed !== undefined) {
    await close();
    throw failed.reason;
  }
  return options.redisUrl === undefined
    ? { servers, env, close }
    : { servers, env, redisPrefix: prefix, close };
}

/** `GET /auth/me`'s status on `server` with `headers`. */
export async function meStatus(
  server: ServerProcess,
  headers: Record<string, string>,
): Promise<number> {
  const res = await fetch(`${server.url}/auth/me`, { headers });
  await res.body?.cancel();
  return res.status;
}

/** Options of {@link measurePropagation}. */
export interface PropagationOptions {
  /** How many sessions to sign out. */
  readonly revocations: number;
  /** Fails a revocation not refused everywhere within this (ms). @default 2000 */
  readonly deadlineMs?: number;
}

/**
 * Signs a passkey user in on `origin` with a bearer session `revocations` times; each time the
 * `others` accept the session first (and cache it), then `origin` signs it out and every other
 * instance is asked every millisecond until it refuses. Resolves with one figure per
 * revocation: the ms from `origin`'s answer until the last of the others refused.
 * @throws when an instance still accepts a session `deadlineMs` after its sign-out
 */
export async function measurePropagation(
  origin: ServerProcess,
  others: readonly ServerProcess[],
  options: PropagationOptions,
): Promise<number[]> {
  const authenticator = new SoftwareAuthenticator({ origin: TEST_ORIGIN });
  await registerAccount(origin.app, authenticator);
  const wait = { deadlineMs: options.deadlineMs ?? 2000, everyMs: 1 };
  const figures: number[] = [];
  for (let i = 0; i < options.revocations; i++) {
    const session = await loginWithSession(origin.app, authenticator, "bearer");
    const headers = bearer(session.accessToken);
    for (const other of others) {
      const warm = await meStatus(other, headers);
      if (warm !== 200) throw new Error(`a fresh session answered ${warm} on ${other.url}`);
    }
    await signOut(origin.app, headers);
    const each = await Promise.all(
      others.map((other) => eventually(async () => (await meStatus(other, headers)) === 401, wait)),
    );
    figures.push(Math.max(...each));
  }
  return figures;
}

/** Signs the session of `headers` out on `app`. @throws unless it answered 2xx */
async function signOut(app: KeyshipApp, headers: Record<string, string>): Promise<void> {
  const res = await postJson(app, "/auth/logout", {}, headers);
  await res.body?.cancel();
  if (res.status >= 300) throw new Error(`sign-out answered ${res.status}`);
}

/** The nearest-rank percentile `p` (0–100) of `values`. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? Number.NaN;
}

/** `p50 1.2 ms, p99 3.4 ms, max 5.6 ms over 200` for the log. */
export function describeFigures(values: readonly number[]): string {
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  return `p50 ${ms(percentile(values, 50))}, p99 ${ms(percentile(values, 99))}, max ${ms(
    percentile(values, 100),
  )} over ${values.length}`;
}
