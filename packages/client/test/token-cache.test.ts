import { describe, expect, it } from "vitest";
import { createTokenCache } from "../src/token-cache.ts";
import { manualClock } from "./helpers/clock.ts";

function countingCache(lifetimeSeconds = 300, refreshMarginSeconds = 60) {
  const clock = manualClock();
  let minted = 0;
  const cache = createTokenCache({
    now: clock.now,
    refreshMarginMs: refreshMarginSeconds * 1000,
    mint: async () => {
      minted += 1;
      return { token: `t${minted}`, expiresAtMs: clock.now() + lifetimeSeconds * 1000 };
    },
  });
  return { cache, clock, minted: () => minted };
}

describe("createTokenCache", () => {
  it("re-uses the token while it has more than the margin left", async () => {
    const { cache, clock, minted } = countingCache();
    expect(await cache.get()).toBe("t1");
    clock.advance(239);
    expect(await cache.get()).toBe("t1");
    expect(minted()).toBe(1);
  });

  it("mints a new token once the margin is reached", async () => {
    const { cache, clock } = countingCache();
    await cache.get();
    clock.advance(240);
    expect(await cache.get()).toBe("t2");
  });

  it("shares one mint between concurrent callers", async () => {
    const { cache, minted } = countingCache();
    const tokens = await Promise.all([cache.get(), cache.get(), cache.get()]);
    expect(tokens).toEqual(["t1", "t1", "t1"]);
    expect(minted()).toBe(1);
  });

  it("mints again after invalidate()", async () => {
    const { cache } = countingCache();
    await cache.get();
    cache.invalidate();
    expect(await cache.get()).toBe("t2");
  });

  it("does not cache a failed mint", async () => {
    let calls = 0;
    const cache = createTokenCache({
      now: () => 0,
      refreshMarginMs: 0,
      mint: async () => {
        calls += 1;
        if (calls === 1) throw new Error("boom");
        return { token: "ok", expiresAtMs: 60_000 };
      },
    });
    await expect(cache.get()).rejects.toThrow("boom");
    expect(await cache.get()).toBe("ok");
  });
});
