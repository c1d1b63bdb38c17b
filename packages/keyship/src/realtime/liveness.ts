/**
 * The socket watch: every open WebSocket or event stream registers its principal. An announced
 * change about one of them (the change feed: this process, another instance, the CLI) makes
 * the watch ask the database at once which lost their right to stay open (a disabled user, a
 * revoked device, session or API key); and once a second it asks anyway, which catches
 * expiries and edits made straight in the database. It runs only while something is open.
 * @module
 */
import type { Principal } from "../auth/principal.ts";
import type { Change } from "../changes/model.ts";
import type { KeyshipContext } from "../context.ts";
import { type DeadSubjects, findDeadSubjects, type SubjectIds } from "./store.ts";

/** How often open sockets are checked. */
export const WATCH_INTERVAL_MS = 1000;

/** Registers open sockets; built once per instance. */
export interface SocketWatch {
  /**
   * Watches `principal` until the returned function is called; `onRevoked` runs once when its
   * credential or user stops being valid.
   */
  watch(principal: Principal, onRevoked: () => void): () => void;
  /** Checks every watched socket now (the timer calls it; tests may too). */
  check(): Promise<void>;
  /** How many sockets are watched. */
  readonly size: number;
}

interface Entry {
  readonly principal: Principal;
  readonly onRevoked: () => void;
}

function isDead(p: Principal, dead: DeadSubjects): boolean {
  if (p.via === "device" || p.via === "session" || p.via === "apikey") {
    if (dead.userIds.has(p.userId)) return true;
  }
  if (p.deviceId !== undefined && dead.deviceIds.has(p.deviceId)) return true;
  if (p.via === "apikey" && p.keyId !== undefined && dead.keyIds.has(p.keyId)) return true;
  return p.sessionId !== undefined && dead.sessionIds.has(p.sessionId);
}

/** Whether `change` is about the credential or user behind `p` (so its socket may be dead). */
function concerns(p: Principal, change: Change): boolean {
  switch (change.kind) {
    case "user":
      return p.via !== "master" && p.via !== "client" && p.userId === change.id;
    case "device":
      return p.deviceId === change.id;
    case "session":
      return p.sessionId === change.id;
    case "apikey":
      return p.via === "apikey" && p.keyId === change.id;
    default:
      return false;
  }
}

/** The users, devices, sessions and API keys behind the open sockets, each once. */
function subjectsOf(open: readonly Entry[]): SubjectIds {
  const ids = {
    userIds: new Set<string>(),
    deviceIds: new Set<string>(),
    sessionIds: new Set<string>(),
    keyIds: new Set<string>(),
  };
  for (const { principal: p } of open) {
    if (p.via !== "master" && p.via !== "client") ids.userIds.add(p.userId);
    if (p.deviceId !== undefined) ids.deviceIds.add(p.deviceId);
    if (p.sessionId !== undefined) ids.sessionIds.add(p.sessionId);
    if (p.via === "apikey" && p.keyId !== undefined) ids.keyIds.add(p.keyId);
  }
  return {
    userIds: [...ids.userIds],
    deviceIds: [...ids.deviceIds],
    sessionIds: [...ids.sessionIds],
    keyIds: [...ids.keyIds],
  };
}

/**
 * Creates the socket watch of an instance.
 * @param ctx the database, logger and change feed
 * @param intervalMs how often to check when nothing is announced. @default WATCH_INTERVAL_MS
 */
export function createSocketWatch(
  ctx: Pick<KeyshipContext, "db" | "logger" | "now" | "changes">,
  intervalMs: number = WATCH_INTERVAL_MS,
): SocketWatch {
  const entries = new Set<Entry>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  async function checkNow(): Promise<void> {
    const open = [...entries];
    if (open.length === 0) return;
    const dead = await findDeadSubjects(ctx.db, subjectsOf(open), ctx.now().toISOString());
    for (const entry of open) {
      if (entries.has(entry) && isDead(entry.principal, dead)) {
        entries.delete(entry);
        entry.onRevoked();
      }
    }
  }

  let again = false;
  const check = (): Promise<void> => {
    if (running !== undefined) {
      // A change announced during a check may have committed after its queries: look again.
      again = true;
      return running;
    }
    running = checkNow()
      .catch((err: unknown) => ctx.logger.warn({ err }, "socket watch: check failed"))
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          void check();
        }
      });
    return running;
  };

  ctx.changes.subscribe({
    change(change) {
      for (const { principal } of entries) {
        if (concerns(principal, change)) {
          void check();
          return;
        }
      }
    },
    reset: () => void (entries.size > 0 && check()),
  });

  return {
    watch(principal, onRevoked) {
      const entry: Entry = { principal, onRevoked };
      entries.add(entry);
      if (timer === undefined) {
        timer = setInterval(() => void check(), intervalMs);
        timer.unref();
      }
      return () => {
        entries.delete(entry);
        if (entries.size === 0 && timer !== undefined) {
          clearInterval(timer);
          timer = undefined;
        }
      };
    },
    check,
    get size() {
      return entries.size;
    },
  };
}
