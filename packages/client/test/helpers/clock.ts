/** A clock the test moves by hand, for injecting as `now`. */
export interface ManualClock {
  now(): number;
  advance(seconds: number): void;
}

export function manualClock(start = Date.UTC(2030, 0, 1)): ManualClock {
  let current = start;
  return {
    now: () => current,
    advance(seconds) {
      current += seconds * 1000;
    },
  };
}
