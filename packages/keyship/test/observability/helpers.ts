/** Shared steps of the observability tests: captured logs and the two kinds of app. */
import { Hono } from "hono";
import { createApp, type KeyshipApp } from "../../src/app.ts";
import type { KeyshipEnv } from "../../src/http/variables.ts";
import {
  initObservability,
  type Observability,
  type ObservabilityOptions,
  observabilityHook,
} from "../../src/observability/init.ts";
import { createLogger, type Logger } from "../../src/observability/logger.ts";

/** A logger whose lines are kept in memory. */
export interface CapturedLogs {
  readonly logger: Logger;
  /** Every line written, raw. */
  readonly lines: string[];
  /** The parsed lines. */
  records(): Record<string, unknown>[];
  /** The parsed lines with `msg: "request"` (the access log). */
  requests(): Record<string, unknown>[];
}

/** Creates a logger at `debug` that writes into memory, with keyship's redaction. */
export function captureLogs(): CapturedLogs {
  const lines: string[] = [];
  const logger = createLogger("debug", { destination: { write: (line) => lines.push(line) } });
  const records = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return {
    logger,
    lines,
    records,
    requests: () => records().filter((record) => record.msg === "request"),
  };
}

/** An app under test, with its captured logs and what `initObservability()` returned. */
export interface ObservedApp {
  /**
   * `hono`: a plain Hono app; `keyship`: `createApp()`; `hooked`: a plain app that installs
   * `observabilityHook()` first and then, before `initObservability()`, a middleware that
   * refuses any `Authorization` header (as keyship's global `authenticate()` does for unknown
   * tokens) — the wiring `createApp()` should have.
   */
  readonly kind: "hono" | "keyship" | "hooked";
  readonly app: Hono<KeyshipEnv>;
  readonly logs: CapturedLogs;
  readonly observability: Observability;
  close(): Promise<void>;
}

/** Both apps with the same extra routes, so each behaviour is checked on each. */
export type AppKind = ObservedApp["kind"];

/**
 * Builds an app of `kind`, calls `initObservability()` and then adds the routes of
 * `addRoutes` (so they run behind the observer on every kind).
 */
export function observedApp(
  kind: AppKind,
  options: ObservabilityOptions = {},
  addRoutes: (app: Hono<KeyshipEnv>) => void = () => {},
): ObservedApp {
  const logs = captureLogs();
  let app: Hono<KeyshipEnv>;
  let keyship: KeyshipApp | undefined;
  if (kind === "keyship") {
    keyship = createApp({
      databaseUrl: "sqlite::memory:",
      envFile: false,
      processEnv: {},
      logger: logs.logger,
    });
    app = keyship;
  } else {
    app = new Hono<KeyshipEnv>();
  }
  if (kind === "hooked") {
    app.use("*", observabilityHook(app));
    app.use("*", async (c, next) => {
      if (c.req.header("authorization") !== undefined) {
        return c.json({ code: "token.invalid" }, 401);
      }
      await next();
    });
  }
  const observability = initObservability(app, {
    env: {},
    ...(kind === "keyship" ? {} : { logger: logs.logger }),
    ...options,
  });
  addRoutes(app);
  return {
    kind,
    app,
    logs,
    observability,
    close: async () => {
      await keyship?.keyship.close();
    },
  };
}

/** 32 lowercase hex characters. */
export const TRACE_ID = /^[0-9a-f]{32}$/;
