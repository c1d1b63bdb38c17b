/**
 * The socket watch: every open WebSocket or event stream registers its principal, and once a
 * second the watch asks the database which of them lost their right to stay open (a disabled
 * user, a revoked device or session), so a change made anywhere (this process, another
 * instance, the CLI) closes them within about a second. It runs only while something is open.
 * @module
 */
import type { Principal } from "../auth/principal.ts";
import type { KeyshipContext } from "../context.ts";
import { type DeadSubjects, findDeadSubjects } from "./store.ts";

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

/**
 * Creates the socket watch of an instance.
 * @param ctx the database and logger
 * @param intervalMs how often to check. @default WATCH_INTERVAL_MS
 */
export function createSocketWatch(
  ctx: Pick<KeyshipContext, "db" | "logger" | "now">,
  intervalMs: number = WATCH_INTERVAL_MS,
): SocketWatch {
  const entries = new Set<Entry>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  async function checkNow(): Promise<void> {
    const open = [...entries];
    if (open.length === 0) return;
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
    const dead = await findDeadSubjects(
      ctx.db,
      {
        userIds: [...ids.userIds],
        deviceIds: [...ids.deviceIds],
        sessionIds: [...ids.sessionIds],
        keyIds: [...ids.keyIds],
      },
      ctx.now().toISOString(),
    );
    for (const entry of open) {
      if (entries.has(entry) && isDead(entry.principal, dead)) {
        entries.delete(entry);
        entry.onRevoked();
      }
    }
  }

  const check = (): Promise<void> => {
    running ??= checkNow()
      .catch((err: unknown) => ctx.logger.warn({ err }, "socket watch: check failed"))
      .finally(() => {
        running = undefined;
      });
    return running;
  };

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
