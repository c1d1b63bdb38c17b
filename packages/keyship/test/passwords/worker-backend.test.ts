import { readdirSync, readFileSync } from "node:fs";
import { getPriority } from "node:os";
import { describe, expect, it } from "vitest";
import { DEFAULT_ARGON2_PARAMS } from "../../src/passwords/hash.ts";
import { lowPriorityArgon2Backend } from "../../src/passwords/worker-backend.ts";

const OPTIONS = { algorithm: 2, ...DEFAULT_ARGON2_PARAMS } as const;

/** The nice value of each thread of this process (Linux: /proc/self/task/<tid>/stat). */
function threadNices(): number[] {
  return readdirSync("/proc/self/task").map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces): state is field 3, nice field 19.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[16]);
  });
}

describe("the low-priority argon2 backend", () => {
  it("hashes and verifies on its worker threads", async () => {
    const backend = lowPriorityArgon2Backend(2);
    const stored = await backend.hash("correct horse battery staple", OPTIONS);
    expect(stored.startsWith("$argon2id$v=19$m=19456,t=2,p=1$")).toBe(true);
    expect(await backend.verify(stored, "correct horse battery staple")).toBe(true);
    expect(await backend.verify(stored, "correct horse battery stapler")).toBe(false);
    await expect(backend.verify("not a hash", "x")).rejects.toThrow();
  });

  it.runIf(process.platform === "linux")(
    "lowers its own threads to nice 19 and leaves the rest of the process alone",
    async () => {
      const mainBefore = getPriority();
      const niceBefore = threadNices().filter((n) => n === 19).length;
      const backend = lowPriorityArgon2Backend(1);
      await backend.hash("a password to start the worker", OPTIONS);
      expect(threadNices().filter((n) => n === 19).length).toBe(niceBefore + 1);
      expect(getPriority()).toBe(mainBefore);
    },
  );
});
