/**
 * An append-only log of things a test observes (proxied requests, browser events) that a test
 * can wait on instead of sleeping: {@link EventLog.waitFor} resolves as soon as a matching
 * entry is there.
 * @module
 */

/** Options of {@link EventLog.waitFor}. */
export interface WaitOptions {
  /** Only entries from this position on count. @default 0 */
  readonly since?: number;
  /** @default 10 s */
  readonly timeoutMs?: number;
}

interface Waiter<T> {
  readonly since: number;
  readonly matches: (entry: T) => boolean;
  readonly resolve: (entry: T) => void;
}

/** Entries in arrival order, and waiters for the ones to come. */
export class EventLog<T> {
  readonly #entries: T[] = [];
  readonly #waiters = new Set<Waiter<T>>();
  readonly #describe: (entry: T) => string;

  /** @param describe one entry in a timeout's message */
  constructor(describe: (entry: T) => string) {
    this.#describe = describe;
  }

  /** Every entry so far, oldest first. */
  get entries(): readonly T[] {
    return this.#entries;
  }

  /** Appends `entry` and wakes the waiters it matches. */
  push(entry: T): void {
    const index = this.#entries.length;
    this.#entries.push(entry);
    for (const waiter of this.#waiters) {
      if (index >= waiter.since && waiter.matches(entry)) {
        this.#waiters.delete(waiter);
        waiter.resolve(entry);
      }
    }
  }

  /**
   * The first entry from `since` on that matches, waiting for it if it is not there yet.
   * @throws after `timeoutMs`, listing the entries seen
   */
  waitFor(matches: (entry: T) => boolean, options: WaitOptions = {}): Promise<T> {
    const { since = 0, timeoutMs = 10_000 } = options;
    const present = this.#entries.slice(since).find(matches);
    if (present !== undefined) return Promise.resolve(present);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        const seen = this.#entries.slice(since).map(this.#describe);
        reject(new Error(`nothing matched within ${timeoutMs} ms; seen: [${seen.join("; ")}]`));
      }, timeoutMs);
      const waiter: Waiter<T> = {
        since,
        matches,
        resolve: (entry) => {
          clearTimeout(timer);
          resolve(entry);
        },
      };
      this.#waiters.add(waiter);
    });
  }
}
