/**
 * The clock test apps run on, injected through `now` (never `Date.now()` plus an offset).
 *
 * It starts at the real time when created and moves only forward: 1 ms per reading, so
 * timestamps written one after the other are distinct and ordered like real ones, and by
 * `advance(ms)` when a test lets time pass. Tokens a test mints read the same clock, so they
 * agree with the server however far a test advanced it.
 */

/** A test clock. */
export interface TestClock {
  /** The current time; each reading moves the clock 1 ms forward. */
  now(): Date;
  /** The current time in whole seconds (a JWT's `iat`). */
  seconds(): number;
  /** Lets `ms` pass. */
  advance(ms: number): void;
}

/** Creates a clock at `startMs`. @default the real time now */
export function createTestClock(startMs: number = Date.now()): TestClock {
  let current = startMs;
  return {
    now: () => new Date(current++),
    seconds: () => Math.floor(current / 1000),
    advance(ms) {
      current += ms;
    },
  };
}

const clocks = new WeakMap<object, TestClock>();

/** Records that `app` runs on `clock` (testApp() does). */
export function registerClock(app: object, clock: TestClock): void {
  clocks.set(app, clock);
}

/** The real clock, for apps not made by testApp() (benchmarks, browser tests): it cannot advance. */
const REAL_CLOCK: TestClock = {
  now: () => new Date(),
  seconds: () => Math.floor(Date.now() / 1000),
  advance() {
    throw new Error("this app runs on the real clock: create it with testApp() to move time");
  },
};

/** The clock `app` runs on: its test clock, or the real one. */
export function clockOf(app: object): TestClock {
  return clocks.get(app) ?? REAL_CLOCK;
}
