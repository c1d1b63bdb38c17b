/**
 * The change feed of SQLite deployments: one server and the CLI on the same file. Announcing
 * appends a row to `keyship_changes`; the server polls for rows after the last it saw every
 * {@link SQLITE_POLL_MS} (one indexed query), so a `keyship users disable` reaches it within
 * about that. Rows older than {@link SQLITE_KEEP_MS} are deleted by the writers.
 * @module
 */
import type { DB } from "../db/schema.ts";
import { CHANGE_KINDS, type ChangeKind, type ChangeMessage } from "./model.ts";
import { changesAfter, insertChange, latestChangeSeq, pruneChanges } from "./store.ts";
import type { ChangeTransport, TransportHandlers } from "./transport.ts";

/** How often the server looks for new changes, in ms. */
export const SQLITE_POLL_MS = 200;

/** How long a change row is kept, in ms: far longer than any poller's interval. */
export const SQLITE_KEEP_MS = 60_000;

/** Most rows read by one poll. */
const BATCH = 500;

const KINDS: ReadonlySet<string> = new Set(CHANGE_KINDS);

/**
 * A transport over the `keyship_changes` table.
 * @param db the database (migrated: the table is 0012's)
 * @param now the clock @default () => new Date()
 */
export function sqliteTransport(db: DB, now: () => Date = () => new Date()): ChangeTransport {
  let timer: NodeJS.Timeout | undefined;
  let last: number | undefined;
  let polling = false;

  async function poll(handlers: TransportHandlers): Promise<void> {
    if (polling) return;
    polling = true;
    try {
      if (last === undefined) last = await latestChangeSeq(db);
      for (let more = true; more; ) {
        const rows = await changesAfter(db, last, BATCH);
        for (const row of rows) {
          last = row.seq;
          if (!KINDS.has(row.kind)) continue;
          const change = { origin: row.origin, kind: row.kind as ChangeKind, id: row.subject_id };
          handlers.message(row.user_id === null ? change : { ...change, userId: row.user_id });
        }
        more = rows.length === BATCH;
      }
      handlers.up();
    } catch (error) {
      handlers.down(error);
    } finally {
      polling = false;
    }
  }

  return {
    name: "sqlite",
    async publish(message: ChangeMessage) {
      const at = now();
      await insertChange(db, {
        origin: message.origin,
        kind: message.kind,
        subject_id: message.id,
        user_id: message.userId ?? null,
        at: at.toISOString(),
      });
      await pruneChanges(db, new Date(at.getTime() - SQLITE_KEEP_MS).toISOString());
    },
    async listen(handlers) {
      await poll(handlers);
      timer = setInterval(() => void poll(handlers), SQLITE_POLL_MS).unref();
    },
    async close() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
    },
  };
}
