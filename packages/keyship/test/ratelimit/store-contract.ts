/**
 * The behaviours every RateLimitStore shares; each store's suite runs them.
 */
import { expect, it } from "vitest";
import type { RateLimitStore } from "../../src/ratelimit/store.ts";

/** A fixed instant 10 s into a minute, so window edges are easy to reason about. */
export const T0 = Date.UTC(2030, 0, 1, 12, 0, 10);
const MINUTE = 60_000;
const WINDOW_END = Date.UTC(2030, 0, 1, 12, 1, 0);

export function storeContract(getStore: () => RateLimitStore, uniqueKey: () => string): void {
  it("counts hits within one window and reports its end", async () => {
    const store = getStore();
    const key = uniqueKey();
    expect(await store.hit(key, MINUTE, T0)).toEqual({ count: 1, resetAt: WINDOW_END });
    expect(await store.hit(key, MINUTE, T0 + 1000)).toEqual({ count: 2, resetAt: WINDOW_END });
    expect(await store.hit(key, MINUTE, WINDOW_END - 1)).toEqual({ count: 3, resetAt: WINDOW_END });
  });

  it("starts a new window once the clock passes the end", async () => {
    const store = getStore();
    const key = uniqueKey();
    await store.hit(key, MINUTE, T0);
    await store.hit(key, MINUTE, T0);
    expect(await store.hit(key, MINUTE, WINDOW_END)).toEqual({
      count: 1,
      resetAt: WINDOW_END + MINUTE,
    });
  });

  it("keeps keys apart", async () => {
    const store = getStore();
    const [a, b] = [uniqueKey(), uniqueKey()];
    await store.hit(a, MINUTE, T0);
    expect((await store.hit(b, MINUTE, T0)).count).toBe(1);
  });

  it("gives concurrent hits distinct counts", async () => {
    const store = getStore();
    const key = uniqueKey();
    const hits = await Promise.all(Array.from({ length: 25 }, () => store.hit(key, MINUTE, T0)));
    expect(hits.map((h) => h.count).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 25 }, (_, i) => i + 1),
    );
  });
}
