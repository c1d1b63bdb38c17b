/**
 * A dedicated PostgreSQL connection that `LISTEN`s on one channel and reconnects when it is
 * lost (the pool's connections come and go, so a listener cannot live in the pool).
 * @module
 */
import type pg from "pg";
import { taggedConnection } from "./instances.ts";
import { loadPg } from "./postgres.ts";

/** What a listener reports. */
export interface PostgresListenerHandlers {
  /** A notification's payload. */
  notification(payload: string): void;
  /** Listening (after the first connect and after each reconnect). */
  up(): void;
  /** The connection failed or was lost; a reconnect follows. */
  down(error: unknown): void;
}

/** A running listener. */
export interface PostgresListener {
  /** Resolves after the first connection attempt, successful or not. */
  readonly started: Promise<void>;
  /** Disconnects and stops reconnecting. */
  close(): Promise<void>;
}

/** Reconnect delays, in ms: doubling from the first to the last, then staying there. */
const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 2000;

/**
 * Listens on `channel` of the database at `url`.
 * @param url a `postgres://` connection string
 * @param channel the channel name (an identifier: letters, digits and `_`)
 * @param applicationName the instance tag in the connection's `application_name` @default none
 * @example const listener = listenPostgres(url, "keyship_changes", { notification, up, down });
 */
export function listenPostgres(
  url: string,
  channel: string,
  handlers: PostgresListenerHandlers,
  applicationName?: string,
): PostgresListener {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel)) throw new TypeError("bad channel name");
  let client: pg.Client | undefined;
  let closed = false;
  let delay = RETRY_FIRST_MS;
  let timer: NodeJS.Timeout | undefined;

  function lost(error: unknown, lostClient: pg.Client): void {
    if (client !== lostClient) return; // already replaced
    client = undefined;
    lostClient.end().catch(() => {});
    if (closed) return;
    handlers.down(error);
    timer = setTimeout(() => void connect(), delay).unref();
    delay = Math.min(delay * 2, RETRY_MAX_MS);
  }

  async function connect(): Promise<void> {
    const tagged =
      applicationName === undefined ? undefined : taggedConnection(url, applicationName);
    const next = new (loadPg().Client)({
      connectionString: tagged?.url ?? url,
      connectionTimeoutMillis: 5000,
      ...(tagged === undefined ? {} : { application_name: tagged.applicationName }),
    });
    client = next;
    next.on("error", (error) => lost(error, next));
    next.on("end", () => lost(new Error("connection ended"), next));
    next.on("notification", (message) => {
      if (message.channel === channel && message.payload !== undefined) {
        handlers.notification(message.payload);
      }
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${channel}`);
      if (closed || client !== next) return;
      delay = RETRY_FIRST_MS;
      handlers.up();
    } catch (error) {
      lost(error, next);
    }
  }

  return {
    started: connect(),
    async close() {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      const current = client;
      client = undefined;
      await current?.end().catch(() => {});
    },
  };
}
