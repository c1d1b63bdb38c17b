import { hash as argon2Hash, verify as argon2Verify } from "@node-rs/argon2";
import { describe, expect, it } from "vitest";
import { KeyshipConfigError } from "../../src/errors.ts";
import {
  type Argon2Backend,
  createPasswordHasher,
  DEFAULT_ARGON2_PARAMS,
  hashPassword,
  needsRehash,
  verifyAgainstDummy,
  verifyPassword,
} from "../../src/passwords/hash.ts";

const PASSWORD = "correct horse battery staple";

describe("hashPassword / verifyPassword", () => {
  it("produces an argon2id PHC string with the OWASP parameters", async () => {
    const stored = await hashPassword(PASSWORD);
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it("verifies the right password", async () => {
    const stored = await hashPassword(PASSWORD);
    expect(await verifyPassword(stored, PASSWORD)).toBe(true);
  });

  it("refuses a wrong password", async () => {
    const stored = await hashPassword(PASSWORD);
    expect(await verifyPassword(stored, `${PASSWORD}!`)).toBe(false);
  });

  it("salts every hash", async () => {
    expect(await hashPassword(PASSWORD)).not.toBe(await hashPassword(PASSWORD));
  });

  it("refuses parameters below the security floor", async () => {
    await expect(
      hashPassword(PASSWORD, { memoryCost: 4096, timeCost: 1, parallelism: 1 }),
    ).rejects.toThrow(KeyshipConfigError);
  });
});

describe("verifyPassword with a malformed hash", () => {
  it.each([
    [""],
    ["not a hash"],
    ["$argon2id$"],
    ["$argon2id$v=19$m=19456,t=2,p=1$"],
    ["$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$"],
    ["$argon2id$v=19$m=19456,t=2,p=1$!!!!$!!!!"],
    ["$argon2id$v=19$m=abc,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA"],
    ["$argon2id$v=19$m=4294967295,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA"],
    ["$2b$12$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234"],
    ["$scrypt$ln=16,r=8,p=1$aM15713r3Xsvxbi31lqr1Q$nFNh2CVHVjNldFVKDHDlm4CbdRSCdEBsjjJxD+iCs5E"],
    ["\u0000\u0000\u0000"],
  ])("returns false for %j", async (junk) => {
    expect(await verifyPassword(junk, PASSWORD)).toBe(false);
  });

  it("returns false for a non-string hash", async () => {
    expect(await verifyPassword(undefined as unknown as string, PASSWORD)).toBe(false);
  });
});

describe("needsRehash", () => {
  it("is false for a hash made with the current parameters", async () => {
    expect(needsRehash(await hashPassword(PASSWORD))).toBe(false);
  });

  it("is true for a hash made with older, weaker parameters", async () => {
    // A legacy row: made directly with argon2, below today's floor.
    const old = await argon2Hash(PASSWORD, { memoryCost: 4096, timeCost: 1, parallelism: 1 });
    expect(needsRehash(old)).toBe(true);
    expect(await verifyPassword(old, PASSWORD)).toBe(true);
  });

  it("is true when the wanted parameters moved up", async () => {
    const stored = await hashPassword(PASSWORD);
    expect(needsRehash(stored, { ...DEFAULT_ARGON2_PARAMS, memoryCost: 47_104 })).toBe(true);
  });

  it("is true for argon2i", async () => {
    const argon2i = await argon2Hash(PASSWORD, { ...DEFAULT_ARGON2_PARAMS, algorithm: 1 });
    expect(needsRehash(argon2i)).toBe(true);
  });

  it("is true for a hash that does not parse", () => {
    expect(needsRehash("garbage")).toBe(true);
  });
});

describe("verifyAgainstDummy", () => {
  it("returns false, whatever the password", async () => {
    expect(await verifyAgainstDummy(PASSWORD)).toBe(false);
    expect(await verifyAgainstDummy("")).toBe(false);
  });

  it("runs one real verify per call, with a dummy hash computed once", async () => {
    const calls = { hash: 0, verify: [] as string[] };
    const hasher = createPasswordHasher({
      maxConcurrency: 1,
      backend: {
        hash: (password, options) => {
          calls.hash += 1;
          return argon2Hash(password, options);
        },
        verify: (hashed, password) => {
          calls.verify.push(hashed);
          return argon2Verify(hashed, password);
        },
      },
    });
    await hasher.verifyAgainstDummy("first");
    await hasher.verifyAgainstDummy("second");
    expect(calls.hash).toBe(1);
    expect(calls.verify).toHaveLength(2);
    // Same cost as a real verify: the dummy uses the hasher's own parameters.
    expect(calls.verify[0]).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });
});

describe("concurrency bound", () => {
  function instrumentedBackend() {
    const stats = { inFlight: 0, maxInFlight: 0, completed: 0 };
    const track = async <T>(work: () => Promise<T>): Promise<T> => {
      stats.inFlight += 1;
      stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
      try {
        return await work();
      } finally {
        stats.inFlight -= 1;
        stats.completed += 1;
      }
    };
    const backend: Argon2Backend = {
      hash: (password, options) => track(() => argon2Hash(password, options)),
      verify: (hashed, password) => track(() => argon2Verify(hashed, password)),
    };
    return { backend, stats };
  }

  it.each([1, 2])("never runs more than %i operations at once", async (limit) => {
    const { backend, stats } = instrumentedBackend();
    const hasher = createPasswordHasher({ maxConcurrency: limit, backend });
    const stored = await hasher.hash(PASSWORD);
    const results = await Promise.all([
      ...Array.from({ length: 4 }, (_, i) => hasher.hash(`${PASSWORD}${i}`)),
      ...Array.from({ length: 4 }, () => hasher.verify(stored, PASSWORD)),
    ]);
    expect(stats.completed).toBe(9);
    expect(stats.maxInFlight).toBe(limit);
    expect(results.slice(4)).toEqual([true, true, true, true]);
    expect(hasher.semaphore.active).toBe(0);
  });

  it("queues the rest while the bound is reached", async () => {
    const { backend } = instrumentedBackend();
    const hasher = createPasswordHasher({ maxConcurrency: 1, backend });
    const pending = [
      hasher.hash("a-password"),
      hasher.hash("b-password"),
      hasher.hash("c-pw-1234"),
    ];
    expect(hasher.semaphore.active).toBe(1);
    expect(hasher.semaphore.waiting).toBe(2);
    await Promise.all(pending);
    expect(hasher.semaphore.waiting).toBe(0);
  });

  it("releases the slot when an operation fails", async () => {
    const hasher = createPasswordHasher({
      maxConcurrency: 1,
      backend: {
        hash: () => Promise.reject(new Error("boom")),
        verify: () => Promise.reject(new Error("boom")),
      },
    });
    await expect(hasher.hash(PASSWORD)).rejects.toThrow("boom");
    expect(hasher.semaphore.active).toBe(0);
  });

  it.each([0, -1, 1.5, Number.NaN])("refuses maxConcurrency %s", (value) => {
    expect(() => createPasswordHasher({ maxConcurrency: value })).toThrow(KeyshipConfigError);
  });
});
