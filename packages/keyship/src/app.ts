/**
 * `keyship()` builds everything once (settings, database, routers); `createApp()` wraps it in a
 * ready-to-serve Hono app with `/auth`, `/health`, `/openapi.json` and `/docs`.
 * @module
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { TrieRouter } from "hono/router/trie-router";
import { mountDocs } from "./apidocs/routes.ts";
import { loadSettings } from "./config/load.ts";
import type { Settings, SettingsInput } from "./config/schema.ts";
import { type KeyshipContext, systemNow } from "./context.ts";
import { openDatabase } from "./db/connect.ts";
import { migrateToLatest } from "./db/migrate.ts";
import type { DB, DialectName } from "./db/schema.ts";
import { deviceRoutes } from "./devices/routes.ts";
import { createDeviceTokenVerifier } from "./devices/verifier.ts";
import type { Mailer } from "./email/mailer.ts";
import { createMailer } from "./email/registry.ts";
import { ProblemError } from "./errors.ts";
import { createAuthenticate } from "./guards/authenticate.ts";
import { requireUser } from "./guards/guards.ts";
import { healthRoutes } from "./health/routes.ts";
import { CachedRouter } from "./http/cached-router.ts";
import { methodNotAllowedHandler } from "./http/method-not-allowed.ts";
import { limitBody, requestContext, requireJsonBodies } from "./http/middleware.ts";
import { handleError } from "./http/problem.ts";
import { createRouter, type KeyshipRouter } from "./http/router.ts";
import type { KeyshipEnv, Principal } from "./http/variables.ts";
import { type IdGenerator, newId } from "./ids.ts";
import { observabilityHook } from "./observability/init.ts";
import { createLogger, type Logger } from "./observability/logger.ts";
import { passkeyRoutes } from "./passkeys/routes.ts";
import { createPasswordsContext } from "./passwords/context.ts";
import { passwordRoutes } from "./passwords/routes.ts";
import { readAccessCookie } from "./sessions/cookies.ts";
import { createCsrfCheck } from "./sessions/csrf.ts";
import { sessionRevoker } from "./sessions/manage.ts";
import { jwksRoutes, sessionRoutes } from "./sessions/routes.ts";
import { createSessionRuntime } from "./sessions/runtime.ts";
import { createSessionTokenVerifier } from "./sessions/verifier.ts";
import type { PublicJwkSet } from "./tokens/jwks.ts";
import { meRoutes } from "./users/routes.ts";

/** Options of {@link keyship} and {@link createApp}: every setting, plus runtime hooks. */
export interface KeyshipOptions extends SettingsInput {
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
}

/** A running keyship: mount `routes` at `/auth` and use `authenticate()` where needed. */
export interface Keyship {
  /** The `/auth` router (paths relative to its mount point). */
  readonly routes: KeyshipRouter;
  /** Middleware that sets `c.var.principal` from the request's credential, or null. */
  readonly authenticate: () => MiddlewareHandler<KeyshipEnv>;
  readonly db: DB;
  readonly dialect: DialectName;
  readonly settings: Settings;
  readonly logger: Logger;
  /** Resolves when migrations have run (rejects if they fail). */
  readonly ready: Promise<void>;
  /**
   * Verifies a device token for an audience other than HTTP requests, e.g. the WebSocket
   * audience (`wsTokenAudience`) when a socket opens.
   * @throws ProblemError `auth.invalid_token` or `auth.token_expired`
   */
  verifyDeviceToken(token: string, audience?: string): Promise<Principal>;
  /**
   * The public keys that verify access tokens, for `/.well-known/jwks.json` (`createApp()`
   * mounts it; mount it yourself otherwise). `{ keys: [] }` with an HMAC secret.
   */
  jwks(): PublicJwkSet;
  /** The router serving `GET /.well-known/jwks.json`; mount it at your app's root. */
  readonly jwksRoutes: KeyshipRouter;
  /** Drops cached verification state of a user (after changing their role, scopes or status). */
  invalidateUser(userId: string): void;
  /** Closes the database. Idempotent. */
  close(): Promise<void>;
}

function splitOptions(options: KeyshipOptions): SettingsInput {
  const { processEnv: _e, envFile: _f, logger: _l, now: _n, newId: _i, ...settings } = options;
  const { passwords, mailer: _m, ...rest } = settings;
  return passwords === undefined ? rest : { passwordAuthEnabled: passwords, ...rest };
}

interface Built {
  readonly instance: Keyship;
  readonly base: MiddlewareHandler<KeyshipEnv>;
}

function build(options: KeyshipOptions): Built {
  const { settings, warnings } = loadSettings({
    options: splitOptions(options),
    ...(options.processEnv === undefined ? {} : { env: options.processEnv }),
    ...(options.envFile === undefined ? {} : { envFile: options.envFile }),
  });
  const logger = options.logger ?? createLogger(settings.logLevel);
  for (const warning of warnings) logger.warn(warning);

  const { db, dialect } = openDatabase(settings.databaseUrl);
  const now = options.now ?? systemNow;
  const context: KeyshipContext = {
    db,
    dialect,
    settings,
    logger,
    now,
    newId: options.newId ?? newId,
    sessions: createSessionRuntime(settings, now),
  };
  const ready = settings.autoMigrate
    ? migrateToLatest(db, dialect).then((results) => {
        for (const r of results)
          logger.info({ migration: r.migrationName, status: r.status }, "migration");
      })
    : Promise.resolve();
  ready.catch((err: unknown) => logger.error({ err }, "keyship migrations failed"));

  const base = baseMiddleware(context, ready);
  const verifier = createDeviceTokenVerifier(context);
  const sessionVerifier = createSessionTokenVerifier(context);
  const csrf = createCsrfCheck(settings, context.sessions.cookies);
  const authenticate = createAuthenticate(
    [(token) => verifier.verify(token, settings.deviceTokenAudience), sessionVerifier.verify],
    {
      // Warm tokens of either kind are answered from the caches, without awaiting anything.
      warm: (token) =>
        verifier.cached(token, settings.deviceTokenAudience) ?? sessionVerifier.cached(token),
      // Cookie mode: the access cookie, when there is no Authorization header. Unsafe methods
      // must pass the CSRF check first.
      fallback: (c) => {
        const token = readAccessCookie(c, context.sessions.cookies);
        if (token === undefined) return undefined;
        csrf(c);
        return (
          sessionVerifier.cached(token) ??
          sessionVerifier.verify(token).then((principal) => {
            if (principal === undefined) throw new ProblemError("token.invalid");
            return principal;
          })
        );
      },
    },
  );
  const signedIn = [authenticate, requireUser()];
  const routes = createRouter();
  routes.use("*", base);
  routes.use("*", noStore);
  routes.route("/", passkeyRoutes(context, signedIn));
  routes.route("/", deviceRoutes({ ...context, verifier }, signedIn));
  routes.route("/", sessionRoutes({ ...context, verifier }, signedIn, csrf));
  routes.route("/", meRoutes(context, signedIn));
  if (settings.passwordAuthEnabled) {
    const mailer =
      options.mailer ??
      createMailer({
        smtpUrl: settings.smtpUrl,
        from: settings.mailFrom,
        env: settings.env,
        logger,
      });
    routes.route(
      "/",
      passwordRoutes(
        createPasswordsContext(context, {
          mailer,
          verifier,
          revokeAllSessions: sessionRevoker(context),
        }),
        signedIn,
      ),
    );
  }

  let closed: Promise<void> | undefined;
  const instance: Keyship = {
    routes,
    authenticate: () => authenticate,
    verifyDeviceToken: async (token, audience = settings.wsTokenAudience) => {
      const principal = await verifier.verify(token, audience);
      if (principal === undefined) throw new ProblemError("auth.invalid_token");
      return principal;
    },
    invalidateUser: (userId) => {
      verifier.invalidateUser(userId);
      sessionVerifier.invalidateUser(userId);
    },
    jwks: () => context.sessions.issuer.publicJwks(),
    jwksRoutes: jwksRoutes(context.sessions.issuer),
    db,
    dialect,
    settings,
    logger,
    ready,
    close: () => {
      closed ??= ready.catch(() => {}).then(() => db.destroy());
      return closed;
    },
  };
  return { instance, base };
}

/**
 * Builds a keyship instance synchronously; migrations run in the background (`ready`).
 * @throws KeyshipConfigError on invalid settings, or unsafe ones in production
 */
export function createKeyship(options: KeyshipOptions = {}): Keyship {
  return build(options).instance;
}

/**
 * Creates keyship and waits for its migrations.
 * @example
 * const auth = await keyship({ databaseUrl: "postgres://…" });
 * app.route("/auth", auth.routes);
 * app.use("/api/*", auth.authenticate());
 * @throws KeyshipConfigError on bad settings; MigrationError when migrations fail
 */
export async function keyship(options: KeyshipOptions = {}): Promise<Keyship> {
  const instance = createKeyship(options);
  await instance.ready;
  return instance;
}

/** SECURITY: auth responses carry `Cache-Control: no-store`. */
const noStore: MiddlewareHandler<KeyshipEnv> = async function keyshipNoStore(c, next) {
  await next();
  c.header("Cache-Control", "no-store");
};

/**
 * The middleware every keyship request passes once: trace id and logger, body limit, JSON-only
 * bodies, and waiting for migrations. Applied again (a mounted router), it is a no-op.
 */
function baseMiddleware(
  context: KeyshipContext,
  ready: Promise<void>,
): MiddlewareHandler<KeyshipEnv> {
  let isReady = false;
  void ready.then(
    () => {
      isReady = true;
    },
    () => {},
  );
  const setContext = requestContext(context.logger);
  const limit = limitBody(context.settings.bodyLimitBytes);
  const jsonOnly = requireJsonBodies();
  const checkBody: MiddlewareHandler<KeyshipEnv> = (c, next) => {
    // Bodies are only read on methods that carry one; GET and HEAD skip both checks.
    const method = c.req.method;
    if (method === "GET" || method === "HEAD") return next();
    jsonOnly(c);
    return limit(c, next);
  };
  // Not async: once migrations are done a request passes without an extra promise.
  return function keyshipBase(c, next) {
    // Applied again by a mounted router: the first pass (which initialised the principal)
    // did everything.
    if (c.get("principal") !== undefined) return next();
    setContext(c);
    return isReady ? checkBody(c, next) : ready.then(() => checkBody(c, next));
  };
}

/** A Hono app with keyship mounted, plus the keyship instance behind it. */
export type KeyshipApp = OpenAPIHono<KeyshipEnv> & { readonly keyship: Keyship };

/**
 * Creates a ready-to-serve app: `/auth/*`, `/health`, `/openapi.json`, `/docs`, and problem+json
 * answers for every error (including 404 and 405). Add your own routes to it as to any Hono app.
 * @example
 * const app = createApp();
 * app.get("/me", requireUser(), (c) => c.json(c.var.principal));
 * @throws KeyshipConfigError on invalid settings, or unsafe ones in production
 */
export function createApp(options: KeyshipOptions = {}): KeyshipApp {
  const { instance, base } = build(options);
  // TrieRouter: Hono's RegExpRouter refuses keyship's routes (http/cached-router.ts).
  const app = new OpenAPIHono<KeyshipEnv>({
    router: new CachedRouter(new TrieRouter()),
  }) as KeyshipApp;
  Object.defineProperty(app, "keyship", { value: instance, enumerable: false });
  app.onError(handleError);
  // First, so initObservability(app) called later still sees every request.
  app.use("*", observabilityHook(app));
  app.use("*", base);
  app.route("/", healthRoutes(instance.db));
  app.route("/", instance.jwksRoutes);
  app.use("*", instance.authenticate());
  app.route("/auth", instance.routes);
  mountDocs(app, { title: "keyship API", version: "0.1.0" });
  let notFound: ReturnType<typeof methodNotAllowedHandler> | undefined;
  app.notFound((c) => {
    // Compiled on the first miss: by then every route is registered (the app's own included),
    // since Hono refuses new routes once it has served a request.
    notFound ??= methodNotAllowedHandler(app.routes);
    return notFound(c);
  });
  return app;
}
