/**
 * `keyship()` / `createKeyship()`: builds everything once (settings, database, authentication,
 * routers) for mounting into an existing Hono app.
 * @module
 */
import type { z } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import type { OpenApiInfo } from "./apidocs/document.ts";
import { type LogActionOptions, requestAuditLog } from "./audit/request.ts";
import { startAuditRetention } from "./audit/retention.ts";
import { type Authentication, createAuthentication } from "./auth/authentication.ts";
import type { Principal } from "./auth/principal.ts";
import { loadSettings } from "./config/load.ts";
import type { Settings, SettingsInput } from "./config/schema.ts";
import { isPrettyLogging } from "./config/settings-logging.ts";
import { openDatabase } from "./db/connect.ts";
import { newInstanceName } from "./db/instances.ts";
import type { DB, DialectName } from "./db/schema.ts";
import type { Mailer } from "./email/mailer.ts";
import { requireUser } from "./guards/guards.ts";
import { loadProtection, type ProtectionTable } from "./guards/patterns.ts";
import { protectRoutes } from "./guards/protect.ts";
import {
  changeFeedCheck,
  createHealthChecks,
  databaseCheck,
  type HealthChecks,
  redisCheck,
} from "./health/checks.ts";
import { watchInstances } from "./health/instances.ts";
import { createBaseMiddleware } from "./http/middleware.ts";
import { createRouter, type KeyshipRouter } from "./http/router.ts";
import type { KeyshipEnv } from "./http/variables.ts";
import type { IdGenerator } from "./ids.ts";
import { resolveProviders } from "./oauth/providers.ts";
import { createLogger, type Logger } from "./observability/logger.ts";
import type { RateLimitStore } from "./ratelimit/store.ts";
import { createSocketWatch } from "./realtime/liveness.ts";
import { type StreamRunner, streamRoutes } from "./realtime/stream-route.ts";
import { type AuthenticatedEvents, websocketRoutes } from "./realtime/websocket-route.ts";
import { openRedis, type RedisConnection } from "./redis/connection.ts";
import { sharedRateLimitStore } from "./redis/rate-limits.ts";
import { adminRouter, authRouter, type RouterParts, routerParts } from "./routes.ts";
import { jwksRoutes } from "./sessions/routes.ts";
import { buildContext, startMigrations } from "./startup.ts";
import type { PublicJwkSet } from "./tokens/jwks.ts";
import { compileUserFields, type KeyshipUser, type UserOptions } from "./users/fields.ts";
import { userReader } from "./users/routes.ts";

/**
 * Options of {@link keyship} and {@link createApp}: every setting, plus runtime hooks. `S` is
 * the schema of the app-defined user fields (`user.fields`), which types `getUser(c)`.
 */
export interface KeyshipOptions<S extends z.ZodObject = z.ZodObject> extends SettingsInput {
  /**
   * The app's own user fields: a zod object, validated at sign-up and by `PATCH /auth/me`,
   * answered by `GET /auth/me` and `getUser(c)`, editable in the admin console
   * (docs/users.md "Extending the user"); `adminOnly` lists those users may not set.
   * @default no fields
   */
  readonly user?: UserOptions<S>;
  /** Environment variables to read instead of `process.env` (tests pass their own). */
  readonly processEnv?: Readonly<Record<string, string | undefined>>;
  /** A `.env` file to read, or `false`. @default ".env" */
  readonly envFile?: string | false;
  /** A pino logger to use. @default a JSON logger at `logLevel` */
  readonly logger?: Logger;
  /** The clock. @default () => new Date() */
  readonly now?: () => Date;
  /** The id generator. @default newId */
  readonly newId?: IdGenerator;
  /** Turns password sign-in on or off: shorthand for `passwordAuthEnabled`. @default false */
  readonly passwords?: boolean;
  /** Sends reset and verification emails. @default SMTP from `smtpUrl`, else the log (development) */
  readonly mailer?: Mailer;
  /**
   * Where rate-limit hits are counted: `memoryRateLimitStore()` or, shared by several
   * instances, `redisRateLimitStore(client)` (both from `keyship/ratelimit`).
   * @default Redis (`redisUrl`) when set, else memoryRateLimitStore()
   */
  readonly rateLimitStore?: RateLimitStore;
  /**
   * The `info` of the document `createApp()` serves at `/openapi.json`: your API's title,
   * version, description and license (docs/openapi.md).
   * @default { title: "keyship API", version: "0.1.0" }
   */
  readonly openapiInfo?: OpenApiInfo;
}

/**
 * A running keyship: mount `routes` at `/auth` and use `authenticate()` where needed. `S` is
 * the schema of the app-defined user fields.
 */
export interface Keyship<S extends z.ZodObject = z.ZodObject> {
  /**
   * The `/auth` router (paths relative to its mount point), complete on its own: it sets up
   * each request (trace id, body limit) and authenticates its protected routes itself.
   */
  readonly routes: KeyshipRouter;
  /**
   * The admin console and its API (mount it at `/admin`; it expects `routes` at `/auth` on the
   * same origin). Role `admin`; writes need a step-up. With `adminEnabled: false` it answers
   * 404 to everything.
   */
  readonly admin: KeyshipRouter;
  /**
   * Middleware that identifies the caller: it sets `c.var.principal` from the request's
   * credential (a device token, an access token, the session cookie, an API key…), or null.
   * **It protects nothing by itself**: it never answers, so a request without a credential
   * passes with `principal: null`, and a refused one (expired, revoked) passes too, its problem
   * kept in `c.var.authProblem`. Protect routes with a guard after it (`requireUser()`,
   * `requireScopes()`…), which answers 401/403 with that problem.
   * @example app.use("/api/*", auth.authenticate(), requireUser());
   */
  readonly authenticate: () => MiddlewareHandler<KeyshipEnv>;
  /**
   * Middleware for your own sensitive routes, after `authenticate()`: it lets a request
   * through only when the caller's device or session stepped up within
   * `stepUpMaxAgeSeconds`, and otherwise answers 401 `auth.step_up_required` (the SDK then
   * runs the passkey prompt and retries). Without a caller it answers 401 `auth.unauthenticated`.
   */
  readonly requireStepUp: () => MiddlewareHandler<KeyshipEnv>;
  /**
   * Middleware that applies the route-protection rules (`keyship.config.json`,
   * `KEYSHIP_PROTECT`; docs/route-protection.md) to your app's routes: put it after
   * `authenticate()`. First match wins; unmatched routes get the `default` (public unless
   * set). A pass-through without rules. Unlike `createApp()`, it exempts no path of keyship's
   * from the default: with `"default": "user"`, add `{ "path": "/auth/*", "require": "public" }`.
   * @example app.use("*", auth.authenticate(), auth.protect());
   */
  readonly protect: () => MiddlewareHandler<KeyshipEnv>;
  readonly db: DB;
  readonly dialect: DialectName;
  readonly settings: Settings;
  readonly logger: Logger;
  /**
   * The shared Redis connection (`redisUrl`), or undefined without one. Its `isReady` and
   * `status()` say whether it is up; docs/deployment.md says what keyship does while it is down.
   */
  readonly redis: RedisConnection | undefined;
  /**
   * The health checks `GET /health` and `GET /health/ready` run: `database`, `redis` when
   * configured; `health.add({ name, check })` registers another.
   */
  readonly health: HealthChecks;
  /** Resolves when migrations have run (rejects if they fail). */
  readonly ready: Promise<void>;
  /**
   * Verifies a device token for an audience other than HTTP requests, e.g. the WebSocket
   * audience (`wsTokenAudience`) when a socket opens.
   * @throws ProblemError `token.invalid`, `token.expired` or `token.revoked`
   */
  verifyDeviceToken(token: string, audience?: string): Promise<Principal>;
  /**
   * The public keys that verify access tokens, for `/.well-known/jwks.json` (`createApp()`
   * mounts it; mount it yourself otherwise). `{ keys: [] }` with an HMAC secret.
   */
  jwks(): PublicJwkSet;
  /** The router serving `GET /.well-known/jwks.json`; mount it at your app's root. */
  readonly jwksRoutes: KeyshipRouter;
  /**
   * Records an application event in the audit log, like the root `logAction(c, …)`, for
   * routes of your own app that keyship's setup did not run on (only `authenticate()` did).
   * @throws TypeError when the action is not a dotted lower-case name
   */
  logAction(c: Context<KeyshipEnv>, action: string, options?: LogActionOptions): Promise<void>;
  /**
   * A WebSocket route for signed-in callers (`docs/realtime.md`): the handshake's token comes
   * from the `keyship-token.<token>` subprotocol (or `?access_token=`), is verified before the
   * upgrade (401 otherwise), and the socket closes with code 4401 within about a second once
   * the credential is revoked or the user disabled. Serve the app with `listen()`.
   * @example app.get("/ws", auth.authenticatedWebSocket((c, principal) => ({ onMessage: … })));
   */
  authenticatedWebSocket(createEvents: AuthenticatedEvents): MiddlewareHandler<KeyshipEnv>;
  /**
   * A server-sent event stream for the signed-in caller (401 without one), closed within about
   * a second once the credential is revoked or the user disabled (`signal` aborts then).
   * @example app.get("/events", (c) => auth.authenticatedStream(c, async (stream) => { … }));
   */
  authenticatedStream(c: Context<KeyshipEnv>, run: StreamRunner): Response;
  /**
   * The signed-in caller's user with the app-defined fields, typed from `user.fields`; null
   * without a caller (or when the user no longer exists). Reads the database: call it where
   * the route needs the profile, not in middleware every request runs.
   * @example const user = await app.keyship.getUser(c); user?.fullName
   */
  getUser(c: Context<KeyshipEnv>): Promise<KeyshipUser<S> | null>;
  /** Drops cached verification state of a user (after changing their role, scopes or status). */
  invalidateUser(userId: string): void;
  /** Writes the batched API-key last-used times, then closes the database. Idempotent. */
  close(): Promise<void>;
}

function splitOptions(options: KeyshipOptions): SettingsInput {
  const {
    processEnv: _e,
    envFile: _f,
    logger: _l,
    now: _n,
    newId: _i,
    user: _u,
    ...settings
  } = options;
  const { passwords, mailer: _m, rateLimitStore: _r, openapiInfo: _o, ...rest } = settings;
  return passwords === undefined ? rest : { passwordAuthEnabled: passwords, ...rest };
}

/** `build()`, called on first use and remembered. */
function once<T>(build: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= build();
    return value;
  };
}

/** A router that runs keyship's per-request setup before `inner` (for foreign apps). */
function withSetup(base: MiddlewareHandler<KeyshipEnv>, inner: KeyshipRouter): KeyshipRouter {
  const router = createRouter();
  router.use("*", base);
  router.route("/", inner);
  return router;
}

/**
 * The settings, their warnings, the route-protection table and the user fields, all checked
 * before anything is opened.
 * @throws KeyshipConfigError on invalid settings, rules or config file
 */
function loadStartup(options: KeyshipOptions) {
  const loaded = loadSettings({
    options: splitOptions(options),
    ...(options.processEnv === undefined ? {} : { env: options.processEnv }),
    ...(options.envFile === undefined ? {} : { envFile: options.envFile }),
  });
  const { oauth, oidc } = loaded.settings;
  const providers = resolveProviders({ oauth, oidc });
  return {
    ...loaded,
    protection: loadProtection(loaded.settings),
    providers,
    userFields: compileUserFields(options.user),
  };
}

/** A built instance and the parts `createApp()` mounts itself. */
export interface BuiltKeyship<S extends z.ZodObject = z.ZodObject> {
  readonly instance: Keyship<S>;
  /** The route-protection rules, loaded at startup. */
  readonly protection: ProtectionTable;
  /** The per-request setup every keyship request passes once (see `createBaseMiddleware`). */
  readonly base: MiddlewareHandler<KeyshipEnv>;
  readonly auth: Authentication;
  readonly parts: RouterParts;
}

/**
 * The database, Redis when `redisUrl` is set (connecting in the background: a process may
 * start while it is down), the health checks over both, and the rate-limit store (the given
 * one, else Redis when set, else each limit's memory store).
 */
function openDependencies(settings: Settings, logger: Logger, given: RateLimitStore | undefined) {
  const applicationName = newInstanceName();
  const { db, dialect } = openDatabase(settings.databaseUrl, {
    timeoutMs: settings.databaseTimeoutMs,
    applicationName,
  });
  const redis =
    settings.redisUrl === undefined
      ? undefined
      : openRedis({ url: settings.redisUrl, prefix: settings.redisPrefix, logger });
  const health = createHealthChecks();
  health.add(databaseCheck(db));
  if (redis !== undefined) health.add(redisCheck(redis));
  // With Redis, every built-in limit counts there, shared by all instances (redis/rate-limits.ts).
  const rateLimitStore = given ?? (redis === undefined ? undefined : sharedRateLimitStore(redis));
  return { db, dialect, redis, health, rateLimitStore, applicationName };
}

/**
 * The instance's logger (the option's, else pretty lines when `KEYSHIP_LOG_FORMAT` asks, see
 * `isPrettyLogging`), with the settings' warnings already logged.
 */
function startupLogger(
  options: KeyshipOptions,
  settings: Settings,
  warnings: readonly string[],
): Logger {
  const logger =
    options.logger ?? createLogger(settings.logLevel, { pretty: isPrettyLogging(settings) });
  for (const warning of warnings) logger.warn(warning);
  return logger;
}

/**
 * Builds an instance: settings, database, migrations (in the background), authentication and
 * the routers' dependencies. Internal: `createKeyship()` and `createApp()` share it.
 * @throws KeyshipConfigError on invalid settings, or unsafe ones in production
 */
export function buildKeyship<S extends z.ZodObject>(options: KeyshipOptions<S>): BuiltKeyship<S> {
  const { settings, warnings, protection, providers, userFields } = loadStartup(options);
  const logger = startupLogger(options, settings, warnings);
  const deps = openDependencies(settings, logger, options.rateLimitStore);
  const { db, dialect, redis, health, rateLimitStore, applicationName } = deps;
  const context = buildContext(options, settings, logger, { ...deps, userFields });
  const { changes } = context;
  health.add(changeFeedCheck(changes));
  // The feed listens once the schema is there (SQLite polls its table); it never fails startup.
  const ready = startMigrations(context).then(() => changes.start());
  ready.catch(() => {}); // a failed migration is logged by startMigrations()
  const stopRetention = startAuditRetention(context, ready);
  const stopInstanceWatch = watchInstances(context, { health, ready, applicationName });
  const audit = requestAuditLog(context);
  const sockets = createSocketWatch(context);

  const base = createBaseMiddleware(context, ready);
  const auth = createAuthentication(context, rateLimitStore);
  const parts = routerParts(context, auth, {
    mailer: options.mailer,
    rateLimitStore,
    providers,
  });

  // Built on first use: createApp() mounts its own copies (its app runs base and authenticate).
  const signedIn = [auth.authenticate, requireUser()];
  const routes = once(() => withSetup(base, authRouter(parts, signedIn)));
  const admin = once(() =>
    settings.adminEnabled ? withSetup(base, adminRouter(parts, signedIn)) : createRouter(),
  );
  let closed: Promise<void> | undefined;
  const instance: Keyship<S> = {
    get routes() {
      return routes();
    },
    get admin() {
      return admin();
    },
    authenticate: () => auth.authenticate,
    requireStepUp: () => parts.stepUp,
    protect: once(() => protectRoutes(protection)),
    verifyDeviceToken: (token, audience = settings.wsTokenAudience) =>
      auth.devices.verify(token, audience),
    invalidateUser: auth.invalidateUser,
    getUser: userReader<S>(context),
    authenticatedWebSocket: websocketRoutes(auth, sockets),
    authenticatedStream: streamRoutes(sockets),
    logAction: (c, action, { db: trx, ...event } = {}) =>
      audit.record(c, { action, ...event }, trx),
    jwks: () => context.sessions.issuer.publicJwks(),
    jwksRoutes: jwksRoutes(context.sessions.issuer),
    db,
    dialect,
    settings,
    logger,
    redis,
    health,
    ready,
    close: () => {
      stopRetention();
      stopInstanceWatch();
      closed ??= ready
        .catch(() => {})
        .then(() => auth.close())
        .then(() => changes.close())
        .then(() => redis?.close())
        .then(() => db.destroy());
      return closed;
    },
  };
  return { instance, protection, base, auth, parts };
}

/**
 * Builds a keyship instance synchronously; migrations run in the background (`ready`).
 * @throws KeyshipConfigError on invalid settings, or unsafe ones in production
 */
export function createKeyship<S extends z.ZodObject = z.ZodObject>(
  options: KeyshipOptions<S> = {},
): Keyship<S> {
  return buildKeyship(options).instance;
}

/**
 * Creates keyship and waits for its migrations.
 * @example
 * const auth = await keyship({ databaseUrl: "postgres://…" });
 * app.route("/auth", auth.routes);
 * app.use("/api/*", auth.authenticate(), requireUser());
 * @throws KeyshipConfigError on bad settings; MigrationError when migrations fail
 */
export async function keyship<S extends z.ZodObject = z.ZodObject>(
  options: KeyshipOptions<S> = {},
): Promise<Keyship<S>> {
  const instance = createKeyship(options);
  await instance.ready;
  return instance;
}
