/**
 * Benchmark servers in child processes: spawns a script with the pinned Node, optionally pinned
 * to one core with `taskset`, and reads the one JSON line it prints once it serves.
 */
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { createInterface } from "node:readline";

/** A running benchmark server. */
export interface Child<T> {
  /** What the server printed on its first line. */
  readonly setup: T;
  /** Its process id. */
  readonly pid: number;
  /** Its resident set size now, in MiB (from /proc; NaN where there is none). */
  rssMiB(): number;
  /** Stops it (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
}

/** Whether `taskset` exists and the machine has at least two cores to share out. */
export const canPin: boolean =
  availableParallelism() >= 2 && spawnSync("taskset", ["-V"]).status === 0;

/** Options of {@link startChild}. */
export interface ChildOptions {
  /**
   * Pin the server to this core with taskset (ignored where {@link canPin} is false).
   * @default every core
   */
  readonly cpu?: number;
  /** Node flags before the script (e.g. `--cpu-prof`). */
  readonly nodeArgs?: readonly string[];
  /** Run keyship from its sources (`--conditions=keyship-source`; default) or from dist/. */
  readonly fromSource?: boolean;
  /** The environment (default: this process's). */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Starts `script` (a path), by default with `--conditions=keyship-source`, and resolves once
 * it printed its first line, parsed as JSON.
 * @param script the server script
 * @param options pinning, Node flags, environment
 */
export async function startChild<T>(script: string, options: ChildOptions = {}): Promise<Child<T>> {
  const node = [
    ...(options.nodeArgs ?? []),
    ...(options.fromSource === false ? [] : ["--conditions=keyship-source"]),
    script,
  ];
  // An unpinned child gets every core explicitly: a child inherits its parent's affinity, and
  // bench:peers pins itself (the load generator) to core 1.
  const cores = options.cpu === undefined ? `0-${availableParallelism() - 1}` : String(options.cpu);
  const child = spawn(
    canPin ? "taskset" : process.execPath,
    canPin ? ["-c", cores, process.execPath, ...node] : node,
    { stdio: ["ignore", "pipe", "inherit"], env: options.env ?? process.env },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  const pid = child.pid as number;
  return {
    setup: JSON.parse(line) as T,
    pid,
    rssMiB: () => {
      try {
        const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
        return kb === undefined ? Number.NaN : Number(kb) / 1024;
      } catch {
        return Number.NaN;
      }
    },
    stop: () => {
      child.kill("SIGTERM");
      return exited;
    },
  };
}
