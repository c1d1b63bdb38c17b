/**
 * `keyship doctor`: checks the settings, the route-protection rules (and prints their
 * effective table), the database (reachable, migrated), that the WebAuthn origins agree
 * with the RP ID, and each OAuth sign-in provider (doctor-oauth.ts), and prints what to fix.
 * @module
 */

import { existsSync, readFileSync } from "node:fs";
import { isIP } from "node:net";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { loadSettings } from "../config/load.ts";
import type { Settings } from "../config/schema.ts";
import { openDatabase, parseDatabaseUrl } from "../db/connect.ts";
import { migrationStatus } from "../db/migrate.ts";
import { KeyshipConfigError } from "../errors.ts";
import { loadProtection, type ProtectionTable } from "../guards/patterns.ts";
import { describeProtection, keyshipOwnPaths } from "../guards/protect.ts";
import { cliDatabaseUrl, redactDatabaseUrl } from "./database.ts";
import { checkProviders } from "./doctor-oauth.ts";
import { type Report, report, summarize } from "./doctor-report.ts";
import type { CliIo } from "./io.ts";

/** Options of the doctor command. */
export interface DoctorArgs {
  /** Overrides KEYSHIP_DATABASE_URL. */
  readonly database: string | undefined;
}

/**
 * Runs `keyship doctor [--database URL]`.
 * @returns 0 when nothing failed (warnings allowed), 1 otherwise
 */
export async function runDoctor(args: DoctorArgs, io: CliIo): Promise<number> {
  const r: Report = { io, failures: 0, warnings: 0 };
  const envFile = join(io.cwd, ".env");
  io.out(`keyship doctor  (${existsSync(envFile) ? "reading .env" : "no .env file here"})`);

  io.out("settings");
  let settings: Settings;
  try {
    const loaded = loadSettings({
      env: io.env,
      envFile,
      options: args.database === undefined ? {} : { databaseUrl: args.database },
    });
    settings = loaded.settings;
    report(r, "ok", `settings are valid (${settings.env})`);
    for (const warning of loaded.warnings) {
      report(r, "warn", warning, "set it in .env (npx keyship init writes one)");
    }
  } catch (error) {
    if (!(error instanceof KeyshipConfigError)) throw error;
    for (const problem of error.problems) report(r, "fail", problem);
    return summarize(r);
  }
  checkSecrets(r, { ...readEnv(envFile), ...io.env });

  io.out("routes");
  checkRoutes(r, settings, io.cwd);

  io.out("webauthn");
  checkWebAuthn(r, settings);

  io.out("database");
  await checkDatabase(r, settings, io.cwd);

  await checkProviders(r, settings);
  return summarize(r);
}

function readEnv(path: string): Record<string, string | undefined> {
  return existsSync(path) ? (parseEnv(readFileSync(path, "utf8")) as Record<string, string>) : {};
}

const SECRETS: ReadonlyArray<{ name: string; minLength: number; type: string }> = [
  { name: "KEYSHIP_SESSION_SECRET", minLength: 32, type: "secret" },
  { name: "KEYSHIP_METRICS_TOKEN", minLength: 16, type: "secret" },
];

function checkSecrets(r: Report, env: Readonly<Record<string, string | undefined>>): void {
  for (const { name, minLength, type } of SECRETS) {
    const value = env[name];
    if (value === undefined || value === "") continue;
    if (value.length < minLength) {
      report(
        r,
        "fail",
        `${name} is shorter than ${minLength} characters`,
        `npx keyship keygen --type ${type} --name ${name} --dotenv .env`,
      );
    } else {
      report(r, "ok", `${name} is set`);
    }
  }
}

/** The route-protection table `createApp()` would run, or the bad entries that stop it. */
function checkRoutes(r: Report, settings: Settings, cwd: string): void {
  let table: ProtectionTable;
  try {
    table = loadProtection(settings, cwd);
  } catch (error) {
    if (!(error instanceof KeyshipConfigError)) throw error;
    for (const problem of error.problems) report(r, "fail", problem);
    return;
  }
  const count = table.rules.length;
  if (count === 0 && table.fallback === "public") {
    report(r, "ok", "no route rules: routes are protected by their guards only");
    return;
  }
  const from = table.sources.length === 0 ? "" : ` (${table.sources.join(", ")})`;
  report(r, "ok", `${count} route rule${count === 1 ? "" : "s"}${from}, first match wins`);
  for (const line of describeProtection(table, { ownPaths: keyshipOwnPaths(settings) })) {
    r.io.out(`        ${line}`);
  }
}

/** WebAuthn: the RP ID must be a registrable domain, and each origin's host on it. */
function checkWebAuthn(r: Report, settings: Settings): void {
  const { rpId, origins } = settings;
  if (isIP(rpId) !== 0) {
    report(
      r,
      "fail",
      `KEYSHIP_RP_ID '${rpId}' is an IP address; passkeys need a domain name`,
      "use localhost in development (and open http://localhost:…), your domain in production",
    );
  }
  for (const origin of origins) {
    const { hostname, protocol } = new URL(origin);
    // An IP address can be neither an RP ID nor, so, a passkey origin: never suggest it.
    if (isIP(hostname.replace(/^\[|\]$/g, "")) !== 0) {
      const local = new URL(origin);
      local.hostname = "localhost";
      report(
        r,
        "fail",
        `origin ${origin} is an IP address; passkeys need a domain name`,
        `open the app on ${local.origin} and set KEYSHIP_ORIGIN=${local.origin} (with KEYSHIP_RP_ID=localhost) in development, your domain in production`,
      );
      continue;
    }
    // WebAuthn §5.1.3 / §13.4.9: the RP ID must equal the origin's host or be a suffix of it.
    if (hostname !== rpId && !hostname.endsWith(`.${rpId}`)) {
      report(
        r,
        "fail",
        `origin ${origin} is not on KEYSHIP_RP_ID '${rpId}'`,
        `set KEYSHIP_RP_ID=${hostname}, or KEYSHIP_ORIGIN to an origin on ${rpId}`,
      );
      continue;
    }
    const isLocal = hostname === "localhost" || hostname.endsWith(".localhost");
    if (protocol !== "https:" && !isLocal) {
      report(
        r,
        "fail",
        `origin ${origin} is not https; browsers refuse passkeys there`,
        `serve the app over HTTPS and set KEYSHIP_ORIGIN=https://${new URL(origin).host}`,
      );
      continue;
    }
    report(r, "ok", `origin ${origin} matches RP ID '${rpId}'`);
  }
}

async function checkDatabase(r: Report, settings: Settings, cwd: string): Promise<void> {
  const shown = redactDatabaseUrl(settings.databaseUrl);
  const url = cliDatabaseUrl(settings.databaseUrl, cwd);
  const { dialect: kind, target } = parseDatabaseUrl(settings.databaseUrl);
  // The doctor changes nothing: opening a SQLite file that is not there would create it.
  if (kind === "sqlite" && target !== ":memory:" && !existsSync(parseDatabaseUrl(url).target)) {
    report(
      r,
      "warn",
      `database file ${target} does not exist yet; the server creates it at startup`,
    );
    return;
  }
  const { db, dialect } = openDatabase(url);
  try {
    const states = await migrationStatus(db, dialect);
    report(r, "ok", `database ${shown} (${dialect}) is reachable`);
    const pending = states.filter((m) => m.executedAt === undefined).length;
    if (pending === 0) {
      report(r, "ok", `migrations are up to date (${states.length})`);
    } else if (settings.autoMigrate) {
      report(r, "warn", `${pending} migration(s) pending; the server applies them at startup`);
    } else {
      report(
        r,
        "fail",
        `${pending} migration(s) pending and KEYSHIP_AUTO_MIGRATE is off`,
        "npx keyship migrate",
      );
    }
  } catch (error) {
    report(
      r,
      "fail",
      `cannot reach the database ${shown}: ${(error as Error)?.message ?? String(error)}`,
      "check KEYSHIP_DATABASE_URL (or --database) and that the database server is running",
    );
  } finally {
    await db.destroy();
  }
}
