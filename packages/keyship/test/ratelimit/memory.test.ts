import { describe, expect, it } from "vitest";
import { KeyshipConfigError, ProblemError } from "../../src/errors.ts";
import {
  assertAllowed,
  createRateLimiter,
  type RateLimitRule,
} from "../../src/ratelimit/limiter.ts";
import { memoryRateLimitStore } from "../../src/ratelimit/memory.ts";
import { storeContract, T0 } from "./store-contract.ts";

let counter = 0;
const uniqueKey = () => `k${++counter}`;

describe("memoryRateLimitStore", () => {
  storeContract(() => memoryRateLimitStore(), uniqueKey);

  it("never holds more than maxKeys keys", async () => {
    const store = memoryRateLimitStore({ maxKeys: 50 });
    for (let i = 0; i < 500; i++) {
      await store.hit(`flood-${i}`, 60_000, T0);
      expect(store.size).toBeLessThanOrEqual(50);
    }
  });

  it("evicts expired windows before live ones", async () => {
    const store = memoryRateLimitStore({ maxKeys: 3 });
    await store.hit("live", 3_600_000, T0); // an hour-long window
    await store.hit("short-1", 1000, T0);
    await store.hit("short-2", 1000, T0);
    // Later, the one-second windows are over: a new key takes their room, not the live one's.
    const later = T0 + 5000;
    await store.hit("new", 1000, later);
    expect(store.size).toBe(2);
    expect((await store.hit("live", 3_600_000, later)).count).toBe(2);
  });

  it("evicts the oldest live windows when nothing has expired", async () => {
    const store = memoryRateLimitStore({ maxKeys: 10 });
    for (let i = 0; i < 10; i++) await store.hit(`key-${i}`, 60_000, T0);
    await store.hit("key-10", 60_000, T0);
    expect(store.size).toBe(10);
    expect((await store.hit("key-9", 60_000, T0)).count).toBe(2); // newest kept
    expect((await store.hit("key-0", 60_000, T0)).count).toBe(1); // oldest gone
  });

  it.each([0, -1, 2.5])("refuses maxKeys %s", (maxKeys) => {
    expect(() => memoryRateLimitStore({ maxKeys })).toThrow(KeyshipConfigError);
  });
});

describe("createRateLimiter (memory store)", () => {
  function setup() {
    const clock = { now: T0 };
    const limiter = createRateLimiter({
      store: memoryRateLimitStore(),
      rules: { login: { limit: 3, windowMs: 60_000 }, reset: { limit: 1, windowMs: 3_600_000 } },
      now: () => clock.now,
    });
    return { clock, limiter };
  }

  it("allows up to the limit and counts down remaining", async () => {
    const { limiter } = setup();
    const decisions = [];
    for (let i = 0; i < 3; i++) decisions.push(await limiter.consume("203.0.113.7", "login"));
    expect(decisions.map((d) => [d.allowed, d.remaining, d.retryAfterSeconds])).toEqual([
      [true, 2, 0],
      [true, 1, 0],
      [true, 0, 0],
    ]);
  });

  it("refuses past the limit with the seconds left in the window", async () => {
    const { limiter } = setup();
    for (let i = 0; i < 3; i++) await limiter.consume("203.0.113.7", "login");
    const refused = await limiter.consume("203.0.113.7", "login");
    // T0 is 12:00:10; the window ends at 12:01:00.
    expect(refused).toMatchObject({ allowed: false, remaining: 0, retryAfterSeconds: 50 });
  });

  it("flags the first refusal of a window only, and assertAllowed calls onTripped once", async () => {
    const { clock, limiter } = setup();
    const flags = [];
    for (let i = 0; i < 6; i++) flags.push((await limiter.consume("ip", "login")).isFirstRefusal);
    expect(flags).toEqual([false, false, false, true, false, false]);
    clock.now = T0 + 50_000;
    const tripped: string[] = [];
    const onTripped = async (rule: string) => {
      tripped.push(rule);
    };
    for (let i = 0; i < 5; i++) {
      await assertAllowed(limiter, "ip", "login", onTripped).catch(() => {});
    }
    expect(tripped).toEqual(["login"]);
  });

  it("rounds Retry-After up to a whole second", async () => {
    const { clock, limiter } = setup();
    for (let i = 0; i < 3; i++) await limiter.consume("ip", "login");
    clock.now = T0 + 49_001; // 999 ms before the end
    expect((await limiter.consume("ip", "login")).retryAfterSeconds).toBe(1);
  });

  it("allows again once the clock moves into the next window", async () => {
    const { clock, limiter } = setup();
    for (let i = 0; i < 4; i++) await limiter.consume("ip", "login");
    clock.now = T0 + 50_000;
    expect(await limiter.consume("ip", "login")).toMatchObject({ allowed: true, remaining: 2 });
  });

  it("keeps rules apart for the same key", async () => {
    const { limiter } = setup();
    await limiter.consume("ada@example.test", "reset");
    expect((await limiter.consume("ada@example.test", "login")).allowed).toBe(true);
    expect((await limiter.consume("ada@example.test", "reset")).allowed).toBe(false);
  });

  it("assertAllowed throws rate_limited with a Retry-After header", async () => {
    const { limiter } = setup();
    await assertAllowed(limiter, "ada@example.test", "reset");
    const error = await assertAllowed(limiter, "ada@example.test", "reset").catch((e) => e);
    expect(error).toBeInstanceOf(ProblemError);
    expect(error).toMatchObject({
      code: "rate_limited",
      status: 429,
      headers: { "Retry-After": "3590" },
    });
  });

  it.each<[Record<string, RateLimitRule>]>([
    [{ bad: { limit: 0, windowMs: 60_000 } }],
    [{ bad: { limit: 1.5, windowMs: 60_000 } }],
    [{ bad: { limit: 5, windowMs: 10 } }],
    [{ "bad:name": { limit: 5, windowMs: 60_000 } }],
  ])("refuses the rules %j", (rules) => {
    expect(() => createRateLimiter({ store: memoryRateLimitStore(), rules })).toThrow(
      KeyshipConfigError,
    );
  });
});
