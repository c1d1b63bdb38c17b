/**
 * The instance's one connection to the shared Redis (`redisUrl`), built with the official
 * `redis` client, and what it knows about its state: ready, or down since when. Callers ask
 * {@link RedisConnection.isReady} (a property read) or go through {@link RedisConnection.run},
 * which answers 503 `service_unavailable` at once while Redis is down instead of queueing the
 * command: a ceremony never hangs on a lost Redis.
 *
 * A process may start while Redis is unreachable: the connection keeps retrying in the
 * background (backoff up to {@link REDIS_TIMEOUTS}.maxBackoffMs), logs the outage once and its
 * end once, and recovers by itself.
 * @module
 */
import type { createClient } from "redis";
import { ProblemError } from "../errors.ts";
import type { Logger } from "../observability/logger.ts";
import { lazyModule } from "../optional.ts";

/** The `redis` package, loaded when the first connection opens (`redisUrl` set). */
const redis = lazyModule<typeof import("redis")>("redis");

/** A client of the `redis` package, as {@link RedisConnection} builds it. */
export type RedisClient = ReturnType<typeof createClient>;

/** The connection's state, as `/health` and the change feed report it. */
export interface RedisStatus {
  /** Whether commands can be sent now. */
  readonly ready: boolean;
  /** Since when (epoch milliseconds) the connection is in this state. */
  readonly since: number;
  /** Whether it was ever ready (false while a process that started without Redis waits). */
  readonly everReady: boolean;
}

/** The shared Redis of one instance. Build it with {@link openRedis}; close it with the instance. */
export interface RedisConnection {
  /**
   * The command client. It refuses commands at once while disconnected (no offline queue) and
   * bounds each one by {@link REDIS_TIMEOUTS}.commandMs. Prefer {@link RedisConnection.run}.
   */
  readonly client: RedisClient;
  /** `redisPrefix`: the start of every key and channel name. */
  readonly prefix: string;
  /** Whether commands can be sent now: a property read, cheap enough for any path. */
  readonly isReady: boolean;
  /** The current state. */
  status(): RedisStatus;
  /**
   * Calls `listener` on every change of state (ready → down, down → ready).
   * @returns a function that removes the listener
   */
  onChange(listener: (status: RedisStatus) => void): () => void;
  /**
   * A new, unconnected client with the same URL and socket options (e.g. a subscriber for
   * pub/sub, which needs a connection of its own). The caller connects it, listens to its
   * `error` events and closes it.
   * @param overrides client options to change, e.g. `{ disableOfflineQueue: false }`
   * @example
   * const subscriber = redis.duplicate();
   * subscriber.on("error", () => {});
   * await subscriber.connect();
   * await subscriber.subscribe(redis.key("changes"), onMessage);
   */
  duplicate(overrides?: DuplicateOptions): RedisClient;
  /**
   * The prefixed name of a key or channel.
   * @example redis.key("challenge:abc") // "keyship:challenge:abc"
   */
  key(name: string): string;
  /**
   * Runs Redis commands, answering fast when Redis cannot serve them: at once while it is down
   * (during the first connection after start, it waits up to {@link REDIS_TIMEOUTS}.connectMs),
   * and within {@link REDIS_TIMEOUTS}.commandMs when a command gets no answer.
   * @param commands the commands, on {@link RedisConnection.client}
   * @throws ProblemError `service_unavailable` (503, `Retry-After`) when Redis is down or fails
   */
  run<T>(commands: (client: RedisClient) => Promise<T>): Promise<T>;
  /** Closes the connection (pending commands finish first). Idempotent. */
  close(): Promise<void>;
}

/** What {@link RedisConnection.duplicate} may change of the shared client's options. */
export interface DuplicateOptions {
  /** Queue commands while disconnected instead of refusing them. @default true (refused) */
  readonly disableOfflineQueue?: boolean;
  /** Send `PING` at this interval (ms), to notice a dead peer behind a NAT. @default none */
  readonly pingInterval?: number;
}

/** How long the connection waits, in milliseconds. Fixed: a ceremony must not hang. */
export const REDIS_TIMEOUTS = Object.freeze({
  /** One connection attempt. */
  connectMs: 1000,
  /** One command, from sending it to its answer. */
  commandMs: 1000,
  /** The longest pause between two reconnection attempts (the backoff doubles up to it). */
  maxBackoffMs: 2000,
  /** `Retry-After` of the 503 answered while Redis is down, in seconds. */
  retryAfterSeconds: 2,
});

/**
 * The 503 of a ceremony that needs Redis while it is down.
 * @param cause the driver's error, for the log
 */
export function redisUnavailable(cause?: unknown): ProblemError {
  return new ProblemError("service_unavailable", {
    headers: { "Retry-After": String(REDIS_TIMEOUTS.retryAfterSeconds) },
    ...(cause === undefined ? {} : { cause }),
  });
}

/** The pause before reconnection attempt `retries`: 50 ms doubling to the cap, with jitter. */
function backoff(retries: number): number {
  const base = Math.min(50 * 2 ** Math.min(retries, 10), REDIS_TIMEOUTS.maxBackoffMs);
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

/** The URL without its password, for the log. */
function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "***";
    return parsed.toString();
  } catch {
    return "redis://…";
  }
}

/** Options of {@link openRedis}. */
export interface OpenRedisOptions {
  /** `redisUrl`. */
  readonly url: string;
  /** `redisPrefix`. */
  readonly prefix: string;
  readonly logger: Logger;
  /** The clock of {@link RedisStatus.since}, in epoch milliseconds. @default Date.now */
  readonly now?: () => number;
}

/**
 * Follows the client's events: the state, its listeners, and one log line per outage (a warning
 * when it starts, unless the connection is closing; an info line when it ends).
 */
function watchState(
  client: RedisClient,
  options: Pick<OpenRedisOptions, "url" | "logger"> & { now: () => number },
  isClosing: () => boolean,
): Pick<RedisConnection, "status" | "onChange"> {
  const { logger, now } = options;
  const listeners = new Set<(status: RedisStatus) => void>();
  let status: RedisStatus = { ready: false, since: now(), everReady: false };
  let warned = false;

  const change = (ready: boolean, err?: unknown) => {
    if (status.ready === ready && (ready || warned)) return;
    const downFor = now() - status.since;
    if (status.ready !== ready) {
      status = { ready, since: now(), everReady: status.everReady || ready };
      for (const listener of listeners) listener(status);
    }
    if (ready && warned) logger.info({ downForMs: downFor }, "Redis is reachable again");
    if (ready) warned = false;
    if (!ready && !warned && !isClosing()) {
      warned = true;
      logger.warn(
        { err, redis: safeUrl(options.url) },
        "Redis is unreachable: ceremonies answer 503 until it returns (retrying in the background)",
      );
    }
  };
  client.on("ready", () => change(true));
  client.on("error", (err: unknown) => change(false, err));
  client.on("reconnecting", () => change(false));
  client.on("end", () => change(false));
  return {
    status: () => status,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/**
 * Opens the instance's Redis connection and starts connecting in the background; it returns
 * at once, whether Redis is reachable or not.
 * @example
 * const redis = openRedis({ url: settings.redisUrl, prefix: settings.redisPrefix, logger });
 * const value = await redis.run((client) => client.getDel(redis.key("challenge:abc")));
 */
export function openRedis(options: OpenRedisOptions): RedisConnection {
  const { prefix } = options;
  const now = options.now ?? Date.now;
  const client: RedisClient = redis().createClient({
    url: options.url,
    disableOfflineQueue: true,
    commandOptions: { timeout: REDIS_TIMEOUTS.commandMs },
    socket: { connectTimeout: REDIS_TIMEOUTS.connectMs, reconnectStrategy: backoff },
  });
  let closed: Promise<void> | undefined;
  const state = watchState(client, { ...options, now }, () => closed !== undefined);

  // The first ready, for commands sent while the process is still connecting after start.
  const firstReady = client.connect().then(
    () => true,
    () => false,
  );
  const waitFirstReady = (): Promise<boolean> =>
    Promise.race([
      firstReady,
      new Promise<boolean>((resolve) =>
        setTimeout(resolve, REDIS_TIMEOUTS.connectMs, false).unref(),
      ),
    ]);

  return {
    client,
    prefix,
    get isReady() {
      return client.isReady;
    },
    status: state.status,
    onChange: state.onChange,
    duplicate: (overrides = {}) =>
      client.duplicate({
        ...overrides,
        disableOfflineQueue: overrides.disableOfflineQueue ?? true,
      }),
    key: (name) => `${prefix}${name}`,
    async run(commands) {
      if (!client.isReady) {
        const { everReady, since } = state.status();
        const startedRecently = !everReady && now() - since < REDIS_TIMEOUTS.connectMs;
        if (!startedRecently || !(await waitFirstReady())) throw redisUnavailable();
      }
      try {
        return await commands(client);
      } catch (error) {
        // Boundary for the Redis driver: its text stays in `cause`, for the log.
        throw redisUnavailable(error);
      }
    },
    close() {
      // A ready client drains its pending commands; one still retrying just stops.
      closed ??= client.isReady
        ? client.close().catch(() => destroyClient(client))
        : destroyClient(client);
      return closed;
    },
  };
}

/**
 * Stops a client at once: one still connecting or retrying, one whose drain failed, a
 * subscriber. The `redis` client leaves a socket open when `destroy()` lands while a connection
 * attempt is under way (the attempt completes after it, and the process never exits), so a
 * connection made after the call is destroyed as soon as it is made.
 * @example await destroyClient(subscriber);
 */
export function destroyClient(client: RedisClient): Promise<void> {
  const destroy = () => {
    try {
      client.destroy();
    } catch {
      // Already closed.
    }
  };
  client.on("connect", destroy);
  destroy();
  return Promise.resolve();
}
