/**
 * `initObservability()`: request logs, trace ids, OpenTelemetry server spans, the optional
 * `/metrics` endpoint and the LangSmith check, added to a Hono app in one call.
 * @module
 */
import type { Env, Hono, MiddlewareHandler, Schema } from "hono";
import { readSettings } from "../config/load.ts";
import { SETTINGS, type Settings } from "../config/schema.ts";
import { KeyshipConfigError } from "../errors.ts";
import type { KeyshipEnv } from "../http/variables.ts";
import { type LangSmithSettings, resolveLangSmithSettings } from "./langsmith.ts";
import { createLogger, type Logger } from "./logger.ts";
import { metricsHandler } from "./metrics-route.ts";
import { observeRequests } from "./requests.ts";

/** The environment variables `initObservability()` reads (besides LangSmith's), from SETTINGS. */
export const OBSERVABILITY_ENV = Object.freeze({
  /** `true` serves `/metrics`. */
  metricsEnabled: SETTINGS.metricsEnabled.env,
  /** A bearer token `/metrics` requires (at least 16 characters). */
  metricsToken: SETTINGS.metricsToken.env,
  /** Log level of the logger created for plain Hono apps. */
  logLevel: SETTINGS.logLevel.env,
});

/** Where the metrics endpoint is served unless `metrics.path` says otherwise. */
export const DEFAULT_METRICS_PATH = "/metrics";

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

interface ResolvedMetrics {
  readonly enabled: boolean;
  readonly path: string;
  readonly token: string | undefined;
}

/** The settings `initObservability()` reads, through keyship's one settings schema. */
function observabilitySettings(options: ObservabilityOptions, env: EnvVars) {
  const object = typeof options.metrics === "object" ? options.metrics : {};
  return readSettings(["env", "logLevel", "metricsEnabled", "metricsToken"], {
    env,
    options: {
      ...(options.metrics === undefined ? {} : { metricsEnabled: options.metrics !== false }),
      ...(object.token === undefined ? {} : { metricsToken: object.token }),
    },
  });
}

function resolveMetrics(
  options: ObservabilityOptions,
  settings: ReturnType<typeof observabilitySettings>,
): ResolvedMetrics {
  const object = typeof options.metrics === "object" ? options.metrics : {};
  const path = object.path ?? DEFAULT_METRICS_PATH;
  if (!path.startsWith("/")) throw new KeyshipConfigError(["metrics.path must start with '/'."]);
  return { enabled: settings.metricsEnabled, path, token: settings.metricsToken };
}

function isDevelopment(env: EnvVars, settings: { env: Settings["env"] | undefined }): boolean {
  return (
    (settings.env ?? (env.NODE_ENV === "production" ? "production" : "development")) ===
    "development"
  );
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
  return observedFirst(app, (_c, next) => next()) as unknown as MiddlewareHandler<E>;
}

/**
 * `first`, with the observability placeholder of {@link observabilityHook} around it: one
 * middleware instead of two, for `createApp()`, whose first middleware runs on every request.
 * @param app the app the placeholder belongs to
 * @param first the app's own first middleware
 */
export function observedFirst(
  app: object,
  first: MiddlewareHandler<KeyshipEnv>,
): MiddlewareHandler<KeyshipEnv> {
  const slot: Slot = { observer: undefined };
  slots.set(app, slot);
  return function keyshipObservabilityHook(c, next) {
    const observer = slot.observer;
    return observer === undefined
      ? first(c, next)
      : observer(c, async () => {
          await first(c, next);
        });
  };
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
  const settings = observabilitySettings(options, env);
  const development = isDevelopment(env, settings);
  const metrics = resolveMetrics(options, settings);
  const langsmith = resolveLangSmithSettings({
    ...(options.langsmithTracing === undefined ? {} : { enabled: options.langsmithTracing }),
    env,
  });
  initialised.add(app);

  const fallbackLogger = createLogger(settings.logLevel, {
    service: serviceName,
    pretty: development && process.stdout.isTTY === true,
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
    if (metrics.token === undefined && !development) {
      const appLogger = (app as { keyship?: { logger?: Logger } }).keyship?.logger;
      (options.logger ?? appLogger ?? fallbackLogger).warn(
        { path: metrics.path },
        "metrics are served without a token: set KEYSHIP_METRICS_TOKEN or keep the path off the public network",
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
