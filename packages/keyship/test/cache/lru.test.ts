import { describe, expect, it } from "vitest";
import { createLruCache } from "../../src/cache/lru.ts";

describe("createLruCache", () => {
  it("returns values until they expire", () => {
    let now = 1000;
    const cache = createLruCache<string, number>({ max: 10, now: () => now });
    cache.set("a", 1, 2000);
    expect(cache.get("a")).toBe(1);
    now = 2000;
    expect(cache.get("a")).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it("never holds more than max entries, evicting the oldest", () => {
    const cache = createLruCache<number, number>({ max: 3 });
    for (let i = 0; i < 5; i++) cache.set(i, i, Number.MAX_SAFE_INTEGER);
    expect(cache.size).toBe(3);
    expect([0, 1, 2, 3, 4].map((i) => cache.get(i))).toEqual([undefined, undefined, 2, 3, 4]);
  });

  it("keeps an entry that is read often while newer ones come and go", () => {
    const cache = createLruCache<string, number>({ max: 4 });
    cache.set("hot", 0, Number.MAX_SAFE_INTEGER);
    for (let i = 0; i < 20; i++) {
      expect(cache.get("hot")).toBe(0);
      cache.set(`cold-${i}`, i, Number.MAX_SAFE_INTEGER);
    }
    expect(cache.get("hot")).toBe(0);
  });

  it("stores nothing when max is 0", () => {
    const cache = createLruCache<string, number>({ max: 0 });
    cache.set("a", 1, Number.MAX_SAFE_INTEGER);
    expect(cache.get("a")).toBeUndefined();
  });

  it("deletes entries matching a predicate", () => {
    const cache = createLruCache<string, { user: string }>({ max: 10 });
    cache.set("t1", { user: "a" }, Number.MAX_SAFE_INTEGER);
    cache.set("t2", { user: "b" }, Number.MAX_SAFE_INTEGER);
    cache.deleteWhere((v) => v.user === "a");
    expect(cache.get("t1")).toBeUndefined();
    expect(cache.get("t2")).toEqual({ user: "b" });
  });
});
