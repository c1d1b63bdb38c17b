/**
 * The change feed of one process: `announce()` applies a change here at once and tells every
 * other process through the transport; what the others announce arrives through
 * `subscribe()`. While the transport is not listening, caches are trusted for
 * {@link FALLBACK_TRUST_MS} only.
 * @module
 */
import { randomBytes } from "node:crypto";
import type { Logger } from "../observability/logger.ts";
import type { Change, ChangeMessage } from "./model.ts";
import type { ChangeTransport } from "./transport.ts";

/**
 * How long a cached subject is trusted while the feed is not listening (it lost its
 * connection, or has not connected yet): a change made elsewhere then applies within this.
 */
export const FALLBACK_TRUST_MS = 1000;

/** How often unsent announcements are retried, in ms. */
const RETRY_MS = 1000;

/** Most unsent announcements kept for a retry; older ones are dropped (and logged). */
const MAX_UNSENT = 10_000;

/** What a process does with changes. */
export interface ChangeListener {
  /** Drops what is cached about the change's subject. */
  change(change: Change): void;
  /** Drops everything cached: changes may have been missed. */
  reset(): void;
}

/** The feed's state, for `/health` and the log. */
export interface ChangeFeedStatus {
  /** The transport: `redis`, `postgres` or `sqlite`. */
  readonly backend: string;
  /** Listening: caches are trusted for their full lifetime. */
  readonly live: boolean;
  /** When `live` last changed (ISO-8601). */
  readonly since: string;
}

/** Announces changes and hears other processes' announcements. Built once per process. */
export interface ChangeFeed {
  /**
   * Applies `change` in this process at once (synchronously), then tells the others in the
   * background; a failed send is logged and retried. Call it after the change committed.
   */
  announce(change: Change): void;
  /** Adds a listener for every change, this process's own included. */
  subscribe(listener: ChangeListener): void;
  /**
   * The lifetime a cache gives a subject it reads now: `configuredMs` while the feed listens,
   * at most {@link FALLBACK_TRUST_MS} otherwise.
   */
  trustMs(configuredMs: number): () => number;
  /** The feed's state. */
  status(): ChangeFeedStatus;
  /** Starts listening; resolves after the first attempt, connected or not. */
  start(): Promise<void>;
  /**
   * Sends what is still unsent (a CLI command calls it before exiting).
   * @returns true when everything was sent
   */
  flush(): Promise<boolean>;
  /** Sends what is still unsent, then stops listening. Idempotent. */
  close(): Promise<void>;
}

/** Options of {@link createChangeFeed}. */
export interface ChangeFeedOptions {
  readonly transport: ChangeTransport;
  readonly logger: Logger;
  /** The clock, for `since`. @default () => new Date() */
  readonly now?: () => Date;
}

/** The outbox of a feed: announcements waiting to be sent, retried until they are. */
function createOutbox(transport: ChangeTransport, logger: Logger) {
  let unsent: ChangeMessage[] = [];
  let sending: Promise<void> | undefined;
  let retry: NodeJS.Timeout | undefined;

  async function send(): Promise<void> {
    while (unsent.length > 0) {
      try {
        await transport.publish(unsent[0] as ChangeMessage);
        unsent.shift();
      } catch (err) {
        logger.warn({ err, backend: transport.name, unsent: unsent.length }, "change not sent");
        retry ??= setTimeout(() => {
          retry = undefined;
          void kick();
        }, RETRY_MS).unref();
        return;
      }
    }
  }

  function kick(): Promise<void> {
    sending ??= send().finally(() => {
      sending = undefined;
    });
    return sending;
  }

  return {
    push(message: ChangeMessage): void {
      if (unsent.length >= MAX_UNSENT) {
        logger.error({ backend: transport.name }, "too many unsent changes: the oldest dropped");
        unsent = unsent.slice(1);
      }
      unsent.push(message);
      void kick();
    },
    /** Sends what it can; true when nothing is left. */
    flush: () => kick().then(() => unsent.length === 0),
    stop(): void {
      if (retry !== undefined) clearTimeout(retry);
    },
  };
}

/**
 * Creates a feed over a transport. It does not listen until `start()` (a CLI command only
 * announces).
 * @example
 * const feed = createChangeFeed({ transport: sqliteTransport(db), logger });
 * feed.subscribe({ change: (c) => cache.forget(c.id), reset: () => cache.clear() });
 * await feed.start();
 * feed.announce({ kind: "device", id: deviceId, userId });
 */
export function createChangeFeed(options: ChangeFeedOptions): ChangeFeed {
  const { transport, logger } = options;
  const now = options.now ?? (() => new Date());
  const origin = randomBytes(12).toString("base64url");
  const listeners: ChangeListener[] = [];
  const outbox = createOutbox(transport, logger);
  let live = false;
  let since = now().toISOString();
  let closed: Promise<void> | undefined;

  function each(call: (listener: ChangeListener) => void): void {
    for (const listener of listeners) {
      try {
        call(listener);
      } catch (err) {
        logger.error({ err }, "a change listener failed");
      }
    }
  }

  function setLive(value: boolean, err?: unknown): void {
    if (live === value) return;
    live = value;
    since = now().toISOString();
    if (value) {
      logger.info({ backend: transport.name }, "change feed listening");
      return;
    }
    logger.warn(
      { err, backend: transport.name, trustMs: FALLBACK_TRUST_MS },
      "change feed lost: caches are trusted for a short time until it is back",
    );
    // Changes may be missed from now on: nothing cached before is trusted any more.
    each((listener) => listener.reset());
  }

  return {
    announce(change) {
      each((listener) => listener.change(change));
      outbox.push({ ...change, origin });
    },
    subscribe(listener) {
      listeners.push(listener);
    },
    trustMs(configuredMs) {
      const fallback = Math.min(configuredMs, FALLBACK_TRUST_MS);
      return () => (live ? configuredMs : fallback);
    },
    status: () => ({ backend: transport.name, live, since }),
    start: () =>
      transport.listen({
        message(message) {
          if (message.origin === origin) return;
          const { origin: _o, ...change } = message;
          each((listener) => listener.change(change));
        },
        up: () => setLive(true),
        down: (err) => setLive(false, err),
      }),
    flush: () => outbox.flush(),
    close() {
      closed ??= outbox.flush().then(() => {
        outbox.stop();
        return transport.close();
      });
      return closed;
    },
  };
}
