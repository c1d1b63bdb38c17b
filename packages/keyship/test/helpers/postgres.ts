/**
 * A private PostgreSQL server for fault tests that stop and restart it (never the shared
 * one): `initdb` and `pg_ctl` from the PostgreSQL 15 binaries, under a temporary directory, on
 * a free loopback port. PostgreSQL refuses to run as root, so under root the commands run as
 * the `postgres` system user (`runuser`).
 */
import { execFile } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "./ports.ts";

const run = promisify(execFile);

/** Where the server binaries are. */
const BIN = process.env.KEYSHIP_TEST_POSTGRES_BIN ?? "/usr/lib/postgresql/15/bin";

/** Whether a private server can be started here (the binaries exist). */
export const privatePostgresAvailable = existsSync(join(BIN, "pg_ctl"));

/** How `pg_ctl stop` stops: `fast` terminates sessions (a restart), `immediate` is a crash. */
export type StopMode = "fast" | "immediate";

/** A private server a test may stop and start again on the same port and data. */
export interface PrivatePostgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust authentication). */
  readonly url: string;
  /** Starts it (again); resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops it; resolves once it is down. @param mode @default "fast" */
  stop(mode?: StopMode): Promise<void>;
  /** Stops it and deletes its directory. */
  destroy(): Promise<void>;
}

/** Runs a server binary, as `postgres` when this process is root. */
async function asOwner(command: string, args: string[]): Promise<void> {
  const path = join(BIN, command);
  if (process.getuid?.() === 0) await run("runuser", ["-u", "postgres", "--", path, ...args]);
  else await run(path, args);
}

/** The uid and gid of the `postgres` user, to hand it the directory when we are root. */
async function postgresIds(): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([
    run("id", ["-u", "postgres"]),
    run("id", ["-g", "postgres"]),
  ]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/**
 * Creates and starts a private server (`initdb` takes a few seconds: once per test file).
 * @example
 * const pg = await startPrivatePostgres();
 * await pg.stop(); await pg.start();
 * await pg.destroy();
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const dir = mkdtempSync(join(tmpdir(), "keyship-pg-"));
  if (process.getuid?.() === 0) {
    const { uid, gid } = await postgresIds();
    chownSync(dir, uid, gid);
  }
  const data = join(dir, "data");
  const port = await freePort();
  await asOwner("initdb", ["-D", data, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8"]);
  const serverOptions = [
    `-p ${port}`,
    `-k ${dir}`,
    "-c listen_addresses=127.0.0.1",
    // Faster on a shared machine, and safe while the OS keeps running: a crash of the server
    // (`-m immediate`) loses nothing committed. (`synchronous_commit=off` would lose commits.)
    "-c fsync=off",
    "-c full_page_writes=off",
  ].join(" ");
  let running = false;
  const start = async () => {
    await asOwner("pg_ctl", [
      "-D",
      data,
      "-l",
      join(dir, "log"),
      "-w",
      "-t",
      "60",
      "-o",
      serverOptions,
      "start",
    ]);
    running = true;
  };
  const stop = async (mode: StopMode = "fast") => {
    if (!running) return;
    await asOwner("pg_ctl", ["-D", data, "-m", mode, "-w", "-t", "60", "stop"]);
    running = false;
  };
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    stop,
    async destroy() {
      await stop().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
