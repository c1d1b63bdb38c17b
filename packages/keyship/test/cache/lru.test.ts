import { describe, expect, it } from "vitest";
import { createLruCache, createTokenCache } from "../../src/cache/lru.ts";

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

describe("createTokenCache", () => {
  const ending = "0123456789abcdef"; // the 16 characters entries are filed under
  const forever = Number.MAX_SAFE_INTEGER;

  it("answers only the exact token, even when another one ends alike", () => {
    const cache = createTokenCache<string>({ max: 10 });
    cache.set(`header.payload-a.${ending}`, "a", forever);
    expect(cache.get(`header.payload-a.${ending}`)).toBe("a");
    // A tampered payload under the same signature must never hit.
    expect(cache.get(`header.payload-b.${ending}`)).toBeUndefined();
    expect(cache.get(ending)).toBeUndefined();
  });

  it("lets a later token with the same ending replace the earlier one", () => {
    const cache = createTokenCache<string>({ max: 10 });
    cache.set(`x.a.${ending}`, "a", forever);
    cache.set(`x.b.${ending}`, "b", forever);
    expect(cache.get(`x.b.${ending}`)).toBe("b");
    expect(cache.get(`x.a.${ending}`)).toBeUndefined();
    expect(cache.size).toBe(1);
  });

  it("deletes by token and by value, and keeps expiry and bounds", () => {
    let now = 0;
    const cache = createTokenCache<{ user: string }>({ max: 2, now: () => now });
    cache.set("short", { user: "u1" }, 100);
    cache.set(`long.token.${ending}`, { user: "u2" }, 50);
    cache.delete(`other.token.${ending}`); // same slot, other token: kept
    expect(cache.get(`long.token.${ending}`)).toEqual({ user: "u2" });
    now = 50;
    expect(cache.get(`long.token.${ending}`)).toBeUndefined();
    cache.deleteWhere((v) => v.user === "u1");
    expect(cache.get("short")).toBeUndefined();
    for (let i = 0; i < 5; i++) cache.set(`t${i}.${ending}${i}`, { user: "u" }, 1000);
    expect(cache.size).toBe(2);
  });
});
