/**
 * The change feed on PostgreSQL without Redis: `pg_notify` through the pool to announce, one
 * dedicated `LISTEN` connection per process to hear (it reconnects; while it is down the
 * feed trusts caches briefly). PostgreSQL delivers a notification to every listener of the
 * database within milliseconds.
 * @module
 */

import { listenPostgres, type PostgresListener } from "../db/listen.ts";
import type { DB } from "../db/schema.ts";
import { decodeChange, encodeChange } from "./model.ts";
import { notifyChannel } from "./store.ts";
import type { ChangeTransport } from "./transport.ts";

/** The NOTIFY channel; channels are per database, so one name serves every deployment. */
export const POSTGRES_CHANNEL = "keyship_changes";

/**
 * A transport over LISTEN/NOTIFY.
 * @param db the pool announcements are sent through
 * @param url the database URL the listening connection opens
 * @param applicationName the listening connection's `application_name` (the instance's, so
 *   other instances see this one for as long as it runs) @default none
 */
export function postgresTransport(db: DB, url: string, applicationName?: string): ChangeTransport {
  let listener: PostgresListener | undefined;
  return {
    name: "postgres",
    publish: (message) => notifyChannel(db, POSTGRES_CHANNEL, encodeChange(message)),
    listen(handlers) {
      listener = listenPostgres(
        url,
        POSTGRES_CHANNEL,
        {
          notification(payload) {
            const message = decodeChange(payload);
            if (message !== undefined) handlers.message(message);
          },
          up: handlers.up,
          down: handlers.down,
        },
        applicationName,
      );
      return listener.started;
    },
    close: async () => {
      await listener?.close();
    },
  };
}
