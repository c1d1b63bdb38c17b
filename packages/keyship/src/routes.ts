/**
 * The `/auth` router: every feature's routes, mounted once per app.
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { consoleRoutes } from "./admin/console-route.ts";
import type { AdminContext } from "./admin/model.ts";
import { adminApiRoutes } from "./admin/routes.ts";
import { apiKeyRoutes, refuseApiKeys } from "./apikeys/routes.ts";
import type { Authentication } from "./auth/authentication.ts";
import { createOAuthParts, type OAuthParts } from "./clients/credentials.ts";
import { oauthRoutes, refuseClients } from "./clients/routes.ts";
import { type KeyshipContext, millisecondsOf } from "./context.ts";
import { dbscRoutes } from "./dbsc/routes.ts";
import { deviceRoutes } from "./devices/routes.ts";
import { dpopProofs } from "./dpop/proof-route.ts";
import type { Mailer } from "./email/mailer.ts";
import { createMailer } from "./email/registry.ts";
import { emailChangeRoutes } from "./emailchange/routes.ts";
import { requireAdmin } from "./guards/guards.ts";
import { stepUpGuard } from "./guards/step-up.ts";
import {
  type CeremonyRule,
  createCeremonyLimiter,
  limitCeremonies,
} from "./http/ceremony-limits.ts";
import type { RouteGuards } from "./http/route-helpers.ts";
import { createRouter, type KeyshipRouter } from "./http/router.ts";
import type { KeyshipEnv } from "./http/variables.ts";
import { createOAuthContext, type OAuthContext } from "./oauth/context.ts";
import type { ProviderSpec } from "./oauth/model.ts";
import { oauthSignInRoutes } from "./oauth/routes.ts";
import { passkeyRoutes } from "./passkeys/routes.ts";
import { createPasswordsContext, type PasswordsContext } from "./passwords/context.ts";
import { passwordRoutes } from "./passwords/routes.ts";
import type { RateLimiter } from "./ratelimit/limiter.ts";
import type { RateLimitStore } from "./ratelimit/store.ts";
import { createRecoveryContext, type RecoveryContext } from "./recovery/context.ts";
import { recoveryRoutes } from "./recovery/routes.ts";
import { sessionRevoker } from "./sessions/manage.ts";
import { sessionRoutes } from "./sessions/routes.ts";
import { stepUpRoutes } from "./stepup/routes.ts";
import { meRoutes } from "./users/routes.ts";

/** What the feature routers are built from, created once per instance. */
export interface RouterParts {
  readonly context: KeyshipContext;
  readonly auth: Authentication;
  /** Present when password sign-in is on. */
  readonly passwords: PasswordsContext | undefined;
  /** The abuse limits of the passkey and step-up ceremonies. */
  readonly ceremonies: RateLimiter<CeremonyRule>;
  /** The OAuth endpoints' limits and client cache. */
  readonly oauth: OAuthParts;
  /** The guard of sensitive actions (the routers' and `keyship.requireStepUp()`). */
  readonly stepUp: MiddlewareHandler<KeyshipEnv>;
  /** Recovery codes, the recovery ceremony and email change. */
  readonly recovery: RecoveryContext;
  /** OAuth / OIDC sign-in: the configured providers, the flow store, the cookie signer. */
  readonly signInProviders: OAuthContext;
}

/**
 * The mailer: the one given, SMTP when a URL is set, else the log outside production, else
 * none (production without SMTP: password sign-in and recovery email refuse to start, email
 * change is not mounted, and recovery notices are not sent).
 * @throws KeyshipConfigError when a feature that must mail has no way to
 */
function instanceMailer(context: KeyshipContext, given: Mailer | undefined): Mailer | undefined {
  const { settings, logger } = context;
  const mustMail = settings.passwordAuthEnabled || settings.recoveryEmailEnabled;
  if (given !== undefined) return given;
  if (settings.smtpUrl === undefined && settings.env === "production" && !mustMail) {
    logger.warn("no KEYSHIP_SMTP_URL: email change is off and recovery notices are not mailed");
    return undefined;
  }
  return createMailer({
    smtpUrl: settings.smtpUrl,
    from: settings.mailFrom,
    env: settings.env,
    logger,
  });
}

/**
 * Builds the routers' dependencies once (the password hasher and its worker threads among
 * them), so a second router over the same parts shares them.
 * @param extras the mailer and rate-limit store given as options, and the sign-in providers
 */
export function routerParts(
  context: KeyshipContext,
  auth: Authentication,
  extras: {
    mailer: Mailer | undefined;
    rateLimitStore: RateLimitStore | undefined;
    providers?: readonly ProviderSpec[];
  },
): RouterParts {
  const { settings } = context;
  const ceremonies = createCeremonyLimiter(
    settings,
    extras.rateLimitStore,
    millisecondsOf(context.now),
  );
  const stepUp = stepUpGuard(context);
  const oauth = createOAuthParts(
    settings,
    extras.rateLimitStore,
    millisecondsOf(context.now),
    context.changes,
  );
  const mailer = instanceMailer(context, extras.mailer);
  const revokeAllSessions = sessionRevoker(context);
  const recovery = createRecoveryContext(context, {
    mailer,
    rateLimitStore: extras.rateLimitStore,
    invalidateUser: auth.invalidateUser,
    revokeAllSessions,
  });
  const signInProviders = createOAuthContext(context, extras.providers ?? []);
  const shared = { context, auth, ceremonies, oauth, stepUp, recovery, signInProviders };
  if (!settings.passwordAuthEnabled || mailer === undefined) {
    return { ...shared, passwords: undefined };
  }
  const passwords = createPasswordsContext(context, {
    mailer,
    verifier: auth.devices,
    revokeAllSessions,
    ...(extras.rateLimitStore === undefined ? {} : { rateLimitStore: extras.rateLimitStore }),
  });
  return { ...shared, passwords };
}

/** The public ceremony routes, rate-limited per IP and account (`http/ceremony-limits.ts`). */
const CEREMONY_PATHS = [
  "/passkey/*",
  "/step-up/*",
  "/register",
  "/login",
  "/password-reset/*",
  "/password/*",
  "/email/verify/*",
  "/email/change/*",
  "/recovery/*",
  "/oauth/exchange",
  "/oauth/:provider/start",
  "/oauth/:provider/callback",
  "/oauth/:provider/link",
  "/oauth/:provider/step-up",
  "/dbsc/register",
];

/** SECURITY: auth responses carry `Cache-Control: no-store`. */
const noStore: MiddlewareHandler<KeyshipEnv> = async function keyshipNoStore(c, next) {
  await next();
  c.header("Cache-Control", "no-store");
};

/**
 * The `/auth` router.
 * @param parts the instance's dependencies
 * @param signedIn what protected routes run: `requireUser()`, after `authenticate()` when the
 *   app around the router does not authenticate every request itself
 */
export function authRouter(
  parts: RouterParts,
  signedIn: MiddlewareHandler<KeyshipEnv>[],
): KeyshipRouter {
  const { context, auth } = parts;
  const withVerifier = { ...context, verifier: auth.devices };
  // The account routes are the person's: an API key or an OAuth client is refused there (`/me`
  // still answers an API key).
  const account = [...signedIn, refuseApiKeys, refuseClients];
  const guards: RouteGuards = {
    signedIn: account,
    sensitive: [...account, parts.stepUp],
  };
  const routes = createRouter();
  // Sign-in finishes and refreshes with a DPoP proof bind their session to its key.
  routes.use("*", dpopProofs(context));
  // Before noStore: the OAuth routes send no-store themselves (RFC 6749 §5.1), and a header set
  // after the answer would copy the response on the token endpoint's hot path.
  routes.route(
    "/",
    oauthRoutes({
      ...context,
      ...parts.oauth,
      sessionTokens: auth.sessions,
      clientTokens: auth.clients,
    }),
  );
  routes.use("*", noStore);
  const limits = limitCeremonies(parts.ceremonies, context.settings.trustProxy);
  for (const path of CEREMONY_PATHS) routes.use(path, limits);
  routes.route("/", passkeyRoutes(context, guards));
  routes.route("/", stepUpRoutes(context, signedIn));
  routes.route("/", deviceRoutes(withVerifier, guards));
  routes.route("/", sessionRoutes(withVerifier, guards, auth.csrf));
  if (context.settings.dbscEnabled) routes.route("/", dbscRoutes(context));
  routes.route(
    "/",
    meRoutes({ ...context, invalidateUser: auth.invalidateUser }, signedIn, guards),
  );
  routes.route("/", apiKeyRoutes({ ...context, keys: auth.apiKeys }, guards));
  if (parts.passwords !== undefined) routes.route("/", passwordRoutes(parts.passwords, signedIn));
  routes.route("/", recoveryRoutes(parts.recovery, guards));
  const { mailer } = parts.recovery;
  if (mailer !== undefined) {
    routes.route("/", emailChangeRoutes({ ...parts.recovery, mailer }, guards));
  }
  routes.route("/", oauthSignInRoutes(parts.signInProviders, guards));
  return routes;
}

/**
 * The `/admin` router: the console (an SPA shell and its assets, public: the data comes from
 * the API) and the admin API at `/api` (role `admin`; writes need a step-up).
 * @param parts the instance's dependencies
 * @param signedIn what protected routes run first (as for {@link authRouter})
 */
export function adminRouter(
  parts: RouterParts,
  signedIn: MiddlewareHandler<KeyshipEnv>[],
): KeyshipRouter {
  const { context, auth } = parts;
  const ctx: AdminContext = {
    ...context,
    devices: auth.devices,
    invalidateUser: auth.invalidateUser,
  };
  const read = [...signedIn, requireAdmin()];
  const routes = createRouter();
  routes.route("/api", adminApiRoutes(ctx, { read, write: [...read, parts.stepUp] }));
  routes.route("/", consoleRoutes());
  return routes;
}
