/**
 * A counting semaphore that bounds how many password hashes run at once.
 *
 * argon2id is deliberately expensive (about 19 MiB and tens of milliseconds per call). Without
 * a bound, a burst of logins queues one hash per request on libuv's thread pool and starves
 * everything else; with it, excess requests wait in a FIFO queue and the rest of the API keeps
 * a core.
 * @module
 */
import { availableParallelism } from "node:os";
import { KeyshipConfigError } from "../errors.ts";

/** Runs async tasks with at most `limit` of them in flight. */
export interface Semaphore {
  /** The most tasks allowed in flight at once. */
  readonly limit: number;
  /** How many tasks are running now. */
  readonly active: number;
  /** How many tasks wait for a slot. */
  readonly waiting: number;
  /**
   * Runs `task` once a slot is free and releases the slot when it settles.
   * @param task the work to run
   * @returns what `task` resolves to
   * @throws whatever `task` throws
   */
  run<T>(task: () => Promise<T>): Promise<T>;
}

/**
 * The default number of concurrent hashes: one less than the machine's cores, at least one
 * (so 1 on a 2-core machine).
 *
 * @example
 * const semaphore = createSemaphore(defaultHashConcurrency());
 */
export function defaultHashConcurrency(): number {
  return Math.max(1, availableParallelism() - 1);
}

/**
 * Creates a FIFO counting semaphore.
 *
 * @param limit how many tasks may run at once; a positive integer
 * @example
 * const semaphore = createSemaphore(2);
 * const digest = await semaphore.run(() => expensiveHash(password));
 * @throws KeyshipConfigError when `limit` is not a positive integer
 */
export function createSemaphore(limit: number): Semaphore {
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new KeyshipConfigError([
      `password hashing concurrency must be a positive integer, got ${String(limit)}`,
    ]);
  }
  let active = 0;
  const queue: Array<() => void> = [];

  const release = (): void => {
    const next = queue.shift();
    if (next === undefined) {
      active -= 1;
    } else {
      // Hand the slot straight to the next waiter: `active` stays the same.
      next();
    }
  };

  const acquire = (): Promise<void> => {
    if (active < limit) {
      active += 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      queue.push(resolve);
    });
  };

  return {
    limit,
    get active() {
      return active;
    },
    get waiting() {
      return queue.length;
    },
    async run<T>(task: () => Promise<T>): Promise<T> {
      await acquire();
      try {
        return await task();
      } finally {
        release();
      }
    },
  };
}
