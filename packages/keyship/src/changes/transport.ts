/**
 * The interface every change-feed backend implements (Redis pub/sub, PostgreSQL
 * LISTEN/NOTIFY, a polled SQLite table): one file per variant, chosen in `registry.ts`.
 * @module
 */
import type { ChangeMessage } from "./model.ts";

/** What a transport tells the feed while it listens. */
export interface TransportHandlers {
  /** A message from any process, this one's included (the feed skips its own). */
  message(message: ChangeMessage): void;
  /** Listening now: every later change will be heard. */
  up(): void;
  /** No longer listening (connection lost, a failed poll); the transport keeps retrying. */
  down(error: unknown): void;
}

/** A way to carry changes between processes. */
export interface ChangeTransport {
  /** `redis`, `postgres` or `sqlite`, as `/health` shows it. */
  readonly name: string;
  /** Sends a message to every listening process. @throws when it could not be sent */
  publish(message: ChangeMessage): Promise<void>;
  /**
   * Starts listening and resolves after the first attempt, whether it connected or not (a
   * process starts while its announcer is unreachable, and keeps retrying).
   */
  listen(handlers: TransportHandlers): Promise<void>;
  /** Stops listening and releases connections. */
  close(): Promise<void>;
}
