/**
 * The instance's Redis connection against a private `redis-server`: ready, down (503 at once,
 * not a hang), back up by itself; and a process that starts while Redis is unreachable.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProblemError } from "../../src/errors.ts";
import { createLogger } from "../../src/observability/logger.ts";
import { openRedis, type RedisConnection, type RedisStatus } from "../../src/redis/connection.ts";
import { type PrivateRedis, startPrivateRedis, testPrefix } from "../helpers/redis.ts";

/** Resolves with the first status `connection` changes to that satisfies `wanted`. */
function until(connection: RedisConnection, ready: boolean): Promise<RedisStatus> {
  if (connection.isReady === ready) return Promise.resolve(connection.status());
  return new Promise((resolve) => {
    const off = connection.onChange((status) => {
      if (status.ready === ready) {
        off();
        resolve(status);
      }
    });
  });
}

async function problemOf(promise: Promise<unknown>): Promise<ProblemError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ProblemError)) throw new Error(`expected a ProblemError, got ${error}`);
  return error;
}

describe("the Redis connection", () => {
  let server: PrivateRedis;
  let redis: RedisConnection;

  beforeAll(async () => {
    server = await startPrivateRedis();
    redis = openRedis({ url: server.url, prefix: testPrefix(), logger: createLogger("silent") });
  });
  afterAll(async () => {
    await redis?.close();
    await server?.stop();
  });

  it("runs commands once connected, with the prefix on its keys", async () => {
    await redis.run((c) => c.set(redis.key("a"), "1"));
    expect(await redis.run((c) => c.get(redis.key("a")))).toBe("1");
    expect(redis.key("a").startsWith(redis.prefix)).toBe(true);
    expect(redis.status()).toMatchObject({ ready: true, everReady: true });
  });

  it("answers 503 service_unavailable with Retry-After while Redis is down, then recovers", async () => {
    await until(redis, true);
    await server.stop();
    const down = await until(redis, false);
    expect(down.everReady).toBe(true);
    const refused = await problemOf(redis.run((c) => c.get(redis.key("a"))));
    expect(refused.code).toBe("service_unavailable");
    expect(refused.status).toBe(503);
    expect(refused.headers["Retry-After"]).toBe("2");

    await server.start();
    await until(redis, true);
    await redis.run((c) => c.set(redis.key("b"), "2"));
    expect(await redis.run((c) => c.get(redis.key("b")))).toBe("2");
  });

  it("gives a subscriber its own connection", async () => {
    await until(redis, true);
    const subscriber = redis.duplicate();
    subscriber.on("error", () => {});
    await subscriber.connect();
    let deliver: (message: string) => void = () => {};
    const received = new Promise<string>((resolve) => {
      deliver = resolve;
    });
    // Resolves once Redis acknowledged the SUBSCRIBE, so the publish below reaches it.
    await subscriber.subscribe(redis.key("channel"), (message) => deliver(message));
    await redis.run((c) => c.publish(redis.key("channel"), "hello"));
    expect(await received).toBe("hello");
    await subscriber.close();
  });
});

describe("a process that starts while Redis is unreachable", () => {
  it("runs degraded (503), then connects once Redis is up", async () => {
    const server = await startPrivateRedis({ running: false });
    const redis = openRedis({
      url: server.url,
      prefix: testPrefix(),
      logger: createLogger("silent"),
    });
    try {
      expect(redis.status()).toMatchObject({ ready: false, everReady: false });
      const refused = await problemOf(redis.run((c) => c.ping()));
      expect(refused.code).toBe("service_unavailable");
      expect(redis.isReady).toBe(false);
      await server.start();
      expect(await until(redis, true)).toMatchObject({ ready: true, everReady: true });
      expect(await redis.run((c) => c.ping())).toBe("PONG");
    } finally {
      await redis.close();
      await server.stop();
    }
  });
});
