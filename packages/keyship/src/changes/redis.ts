/**
 * The change feed over Redis pub/sub (`KEYSHIP_REDIS_URL` set): `PUBLISH` through the
 * instance's connection to announce, one subscriber connection per process (a
 * `duplicate()`, since a subscribed connection serves nothing else) to hear. The client
 * reconnects by itself and subscribes again before it reports ready, so `ready` means
 * listening; while it is down the feed trusts caches briefly.
 * @module
 */
import { destroyClient, type RedisClient, type RedisConnection } from "../redis/connection.ts";
import { decodeChange, encodeChange } from "./model.ts";
import type { ChangeTransport, TransportHandlers } from "./transport.ts";

/** The channel, under `redisPrefix`: deployments sharing one Redis stay apart by prefix. */
export const REDIS_CHANNEL = "changes";

/** How long a failed `SUBSCRIBE` on a ready connection waits before it is tried again, in ms. */
const RESUBSCRIBE_MS = 1000;

/** Options of {@link redisTransport}. */
export interface RedisTransportOptions {
  /**
   * Close `redis` with the transport (a CLI command that opened it for the feed only).
   * @default false: the instance closes its own connection
   */
  readonly closeConnection?: boolean;
}

/**
 * Subscribes `subscriber` to `channel` and follows its state: `up` once the first `SUBSCRIBE`
 * is acknowledged and on every later `ready` (the client resubscribes before it), `down` on an
 * error or a lost connection.
 * @returns a promise settled after the first attempt, and a function that stops retrying
 */
function follow(
  subscriber: RedisClient,
  channel: string,
  handlers: TransportHandlers,
): { started: Promise<void>; stop: () => void } {
  let subscribed = false;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  let settle: () => void = () => {};
  const started = new Promise<void>((resolve) => {
    settle = resolve;
  });
  const onMessage = (payload: string) => {
    const message = decodeChange(payload);
    if (message !== undefined) handlers.message(message);
  };
  const subscribe = () => {
    if (subscribed || stopped || !subscriber.isReady) return;
    subscriber.subscribe(channel, onMessage).then(
      () => {
        subscribed = true;
        if (!stopped) handlers.up();
        settle();
      },
      (error: unknown) => {
        handlers.down(error);
        settle();
        retry = setTimeout(subscribe, RESUBSCRIBE_MS).unref();
      },
    );
  };
  const lost = (error: unknown) => {
    if (stopped) return;
    handlers.down(error);
    settle();
  };
  subscriber.on("ready", () => (subscribed ? handlers.up() : subscribe()));
  subscriber.on("error", lost);
  subscriber.on("reconnecting", () => lost(new Error("Redis subscriber reconnecting")));
  subscriber.on("end", () => lost(new Error("Redis subscriber closed")));
  return {
    started,
    stop() {
      stopped = true;
      if (retry !== undefined) clearTimeout(retry);
    },
  };
}

/**
 * A transport over Redis pub/sub on `<redisPrefix>changes`.
 * @param redis the instance's connection: announcements go through it, the subscriber is its
 * duplicate
 * @example const transport = redisTransport(redis);
 */
export function redisTransport(
  redis: RedisConnection,
  options: RedisTransportOptions = {},
): ChangeTransport {
  const channel = redis.key(REDIS_CHANNEL);
  let subscriber: RedisClient | undefined;
  let stop: () => void = () => {};
  return {
    name: "redis",
    async publish(message) {
      await redis.run((client) => client.publish(channel, encodeChange(message)));
    },
    listen(handlers) {
      const client = redis.duplicate();
      subscriber = client;
      const followed = follow(client, channel, handlers);
      stop = followed.stop;
      // Resolves once connected; a failed first attempt is reported through `error`.
      client.connect().catch(() => {});
      return followed.started;
    },
    async close() {
      stop();
      const client = subscriber;
      subscriber = undefined;
      if (client !== undefined) await destroyClient(client);
      if (options.closeConnection === true) await redis.close();
    },
  };
}
