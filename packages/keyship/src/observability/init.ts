/**
 * `initObservability()`: request logs, trace ids, OpenTelemetry server spans, the optional
 * `/metrics` endpoint and the LangSmith check, added to a Hono app in one call.
 * @module
 */
import type { Env, Hono, MiddlewareHandler, Schema } from "hono";
import { KeyshipConfigError } from "../errors.ts";
import type { KeyshipEnv } from "../http/variables.ts";
import { type LangSmithSettings, resolveLangSmithSettings } from "./langsmith.ts";
import { createLogger, type Logger } from "./logger.ts";
import { metricsHandler } from "./metrics-route.ts";
import { observeRequests } from "./requests.ts";

/** The environment variables `initObservability()` reads (besides LangSmith's). */
export const OBSERVABILITY_ENV = {
  /** `true` serves `/metrics`. */
  metricsEnabled: "KEYSHIP_METRICS_ENABLED",
  /** A bearer token `/metrics` requires (at least 16 characters). */
  metricsToken: "KEYSHIP_METRICS_TOKEN",
  /** Log level of the logger created for plain Hono apps. */
  logLevel: "KEYSHIP_LOG_LEVEL",
} as const;

/** Where the metrics endpoint is served unless `metrics.path` says otherwise. */
export const DEFAULT_METRICS_PATH = "/metrics";

/** The shortest accepted metrics token. */
export const MIN_METRICS_TOKEN_LENGTH = 16;

/** The object form of the `metrics` option. */
export interface MetricsOptions {
  /** The path of the endpoint. @default "/metrics" */
  readonly path?: string;
  /**
   * The bearer token scrapers must send.
   * @default `KEYSHIP_METRICS_TOKEN`, else none (an open endpoint)
   */
  readonly token?: string;
}

/** Options of {@link initObservability}. Every member is optional. */
export interface ObservabilityOptions {
  /**
   * The `service` field of the logger created for apps without one (plain Hono apps); use the
   * same name as the OpenTelemetry SDK's `service.name`.
   * @default "keyship"
   */
  readonly serviceName?: string;
  /**
   * Trace LLM calls to LangSmith; when on, `LANGSMITH_API_KEY` must be set (checked here, at
   * startup). Wrap clients with `wrapOpenAIForLangSmith()`.
   * @default `LANGSMITH_TRACING=true`
   */
  readonly langsmithTracing?: boolean;
  /**
   * Serve Prometheus metrics: `true`, or `{ path, token }`.
   * @default `KEYSHIP_METRICS_ENABLED=true`, else off
   */
  readonly metrics?: boolean | MetricsOptions;
  /**
   * The logger request lines go to.
   * @default the keyship logger on `c.var.logger`; in plain Hono apps a new JSON logger at
   *   `KEYSHIP_LOG_LEVEL` (pretty in development on a terminal, when `pino-pretty` is installed)
   */
  readonly logger?: Logger;
  /**
   * Where environment variables are read from. Tests pass a plain object.
   * @default process.env
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** What {@link initObservability} set up, resolved and frozen. Holds no secret. */
export interface Observability {
  readonly serviceName: string;
  readonly metrics: {
    readonly enabled: boolean;
    readonly path: string;
    /** True when the endpoint requires a bearer token. */
    readonly isProtected: boolean;
  };
  readonly langsmith: LangSmithSettings;
}

type EnvVars = Readonly<Record<string, string | undefined>>;

function readBoolean(env: EnvVars, name: string, problems: string[]): boolean | undefined {
  const value = env[name]?.trim().toLowerCase();
  if (value === undefined || value === "") return undefined;
  if (value === "true" || value === "1") return true;
  if (value === "false" || value === "0") return false;
  problems.push(`${name} must be true or false.`);
  return undefined;
}

interface ResolvedMetrics {
  readonly enabled: boolean;
  readonly path: string;
  readonly token: string | undefined;
}

function resolveMetrics(options: ObservabilityOptions, env: EnvVars): ResolvedMetrics {
  const problems: string[] = [];
  const fromEnv = readBoolean(env, OBSERVABILITY_ENV.metricsEnabled, problems);
  const option = options.metrics;
  const enabled = option === undefined ? fromEnv === true : option !== false;
  const object = typeof option === "object" ? option : {};
  const path = object.path ?? DEFAULT_METRICS_PATH;
  const token = object.token ?? (env[OBSERVABILITY_ENV.metricsToken]?.trim() || undefined);
  if (!path.startsWith("/")) problems.push("metrics.path must start with '/'.");
  if (token !== undefined && token.length < MIN_METRICS_TOKEN_LENGTH) {
    problems.push(
      `${OBSERVABILITY_ENV.metricsToken} must be at least ${MIN_METRICS_TOKEN_LENGTH} characters (e.g. openssl rand -hex 32).`,
    );
  }
  if (problems.length > 0) throw new KeyshipConfigError(problems);
  return { enabled, path, token };
}

function isDevelopment(env: EnvVars): boolean {
  const declared = env.KEYSHIP_ENV?.trim();
  if (declared === "production" || declared === "development") return declared === "development";
  return env.NODE_ENV !== "production";
}

const initialised = new WeakSet<object>();

interface Slot {
  observer: MiddlewareHandler<KeyshipEnv> | undefined;
}

const slots = new WeakMap<object, Slot>();

/**
 * A placeholder middleware that app factories install first, so that `initObservability()`,
 * called later, observes every request, including routes registered before it and requests
 * refused by earlier middleware. Until then it only calls `next()`.
 * @param app the app the placeholder belongs to
 * @returns the middleware to install before any other
 * @example
 * const app = new Hono();
 * app.use("*", observabilityHook(app));
 * app.get("/health", (c) => c.text("ok"));
 * initObservability(app); // observes /health too
 */
export function observabilityHook<E extends Env, S extends Schema, B extends string>(
  app: Hono<E, S, B>,
): MiddlewareHandler<E> {
  const slot: Slot = { observer: undefined };
  slots.set(app, slot);
  const hook: MiddlewareHandler<KeyshipEnv> = function keyshipObservabilityHook(c, next) {
    const observer = slot.observer;
    return observer === undefined ? next() : observer(c, next);
  };
  return hook as unknown as MiddlewareHandler<E>;
}

/**
 * Adds observability to a Hono app — a keyship app from `createApp()` or any Hono app:
 *
 * - every response carries `X-Trace-Id` (keyship apps already set it; plain apps get it here);
 * - one structured log line per request (`method`, `route` pattern, `status`, `duration_ms`,
 *   `trace_id`, `user_id`), never headers, cookies, bodies or query strings;
 * - an OpenTelemetry SERVER span per request, continuing an incoming `traceparent` (a no-op
 *   until the application registers an OpenTelemetry SDK);
 * - `GET /metrics` in Prometheus text format, when enabled;
 * - the LangSmith configuration check, when LangSmith tracing is on.
 *
 * Call it once. On an app that installed {@link observabilityHook} first (as `createApp()`
 * does), every request is observed. On any other app, call it before registering routes:
 * Hono runs middleware in registration order, so routes and middleware registered earlier
 * answer without passing through it.
 * @param app the Hono app
 * @param options `serviceName` (default "keyship"), `langsmithTracing` (default
 *   `LANGSMITH_TRACING`), `metrics` (default `KEYSHIP_METRICS_ENABLED`), `logger`, `env`
 * @returns what was set up
 * @example
 * import { createApp } from "keyship";
 * import { initObservability } from "keyship/observability";
 *
 * const app = createApp();
 * initObservability(app, { metrics: true });
 * @throws KeyshipConfigError when LangSmith tracing is on without `LANGSMITH_API_KEY`, when
 *   `KEYSHIP_METRICS_ENABLED` is not a boolean, the metrics token is shorter than 16
 *   characters or the metrics path does not start with `/`, or when called twice on one app
 */
export function initObservability<E extends Env, S extends Schema, B extends string>(
  app: Hono<E, S, B>,
  options: ObservabilityOptions = {},
): Observability {
  if (initialised.has(app)) {
    throw new KeyshipConfigError(["initObservability() was called twice for the same app."]);
  }
  const env = options.env ?? process.env;
  const serviceName = options.serviceName ?? "keyship";
  const metrics = resolveMetrics(options, env);
  const langsmith = resolveLangSmithSettings({
    ...(options.langsmithTracing === undefined ? {} : { enabled: options.langsmithTracing }),
    env,
  });
  initialised.add(app);

  const fallbackLogger = createLogger(env[OBSERVABILITY_ENV.logLevel]?.trim() || "info", {
    service: serviceName,
    pretty: isDevelopment(env) && process.stdout.isTTY === true,
  });
  const observer = observeRequests({
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    fallbackLogger,
    recordMetrics: metrics.enabled,
  });
  let middleware: MiddlewareHandler<KeyshipEnv> = observer;
  if (metrics.enabled) {
    const serveMetrics = metricsHandler(
      metrics.token === undefined ? {} : { token: metrics.token },
    );
    // Answered here, ahead of the app's own middleware (authentication, body limits), so the
    // scraper's bearer token is never mistaken for a user credential. Scrapes are not logged.
    middleware = async function keyshipObservability(c, next) {
      const method = c.req.method;
      if (c.req.path === metrics.path && (method === "GET" || method === "HEAD")) {
        return serveMetrics(c, next);
      }
      return observer(c, next);
    };
    if (metrics.token === undefined && !isDevelopment(env)) {
      const appLogger = (app as { keyship?: { logger?: Logger } }).keyship?.logger;
      (options.logger ?? appLogger ?? fallbackLogger).warn(
        { path: metrics.path },
        `metrics are served without a token: set ${OBSERVABILITY_ENV.metricsToken} or keep the path off the public network`,
      );
    }
  }
  const slot = slots.get(app);
  if (slot === undefined) (app as unknown as Hono<KeyshipEnv>).use("*", middleware);
  else slot.observer = middleware;
  return Object.freeze({
    serviceName,
    metrics: Object.freeze({
      enabled: metrics.enabled,
      path: metrics.path,
      isProtected: metrics.token !== undefined,
    }),
    langsmith,
  });
}
