/**
 * `createApp()`: a ready-to-serve Hono app with `/auth`, `/health`, `/openapi.json` and
 * `/docs` mounted over a keyship instance.
 * @module
 */
import { OpenAPIHono, type z } from "@hono/zod-openapi";
import { TrieRouter } from "hono/router/trie-router";
import { mountDocs } from "./apidocs/routes.ts";
import { documentGuards } from "./apidocs/security.ts";
import { requireUser } from "./guards/guards.ts";
import { compileProtection, keyshipOwnPaths } from "./guards/protect.ts";
import { healthRoutes } from "./health/routes.ts";
import { CachedRouter } from "./http/cached-router.ts";
import { methodNotAllowedHandler } from "./http/method-not-allowed.ts";
import { handleError } from "./http/problem.ts";
import { validationHook } from "./http/router.ts";
import type { KeyshipEnv } from "./http/variables.ts";
import { buildKeyship, type Keyship, type KeyshipOptions } from "./keyship.ts";
import { observedFirst } from "./observability/init.ts";
import { adminRouter, authRouter } from "./routes.ts";

/**
 * A Hono app with keyship mounted, plus the keyship instance behind it. `S` is the schema of
 * the app-defined user fields (`user.fields`), which types `app.keyship.getUser(c)`.
 */
export type KeyshipApp<S extends z.ZodObject = z.ZodObject> = OpenAPIHono<KeyshipEnv> & {
  readonly keyship: Keyship<S>;
};

/**
 * Creates a ready-to-serve app: `/auth/*`, `/admin` (unless `adminEnabled` is false), `/health`,
 * `/openapi.json`, `/docs`, and problem+json
 * answers for every error (including 404 and 405). Every request passes keyship's setup and
 * `authenticate()` once; add your own routes with guards as to any Hono app.
 * @example
 * const app = createApp();
 * app.get("/me", requireUser(), (c) => c.json(c.var.principal));
 * @throws KeyshipConfigError on invalid settings, or unsafe ones in production
 */
export function createApp<S extends z.ZodObject = z.ZodObject>(
  options: KeyshipOptions<S> = {},
): KeyshipApp<S> {
  const { instance, protection, base, auth, parts } = buildKeyship(options);
  // TrieRouter: Hono's RegExpRouter refuses keyship's routes (http/cached-router.ts).
  const app = documentGuards(
    new OpenAPIHono<KeyshipEnv>({
      router: new CachedRouter(new TrieRouter()),
      defaultHook: validationHook,
    }),
  ) as KeyshipApp<S>;
  Object.defineProperty(app, "keyship", { value: instance, enumerable: false });
  app.onError(handleError);
  // One middleware for what every request passes, in order: the observability placeholder
  // (so initObservability(app) called later still sees every request), keyship's setup, and
  // authenticate(), then the route-protection rules if there are any (docs/route-protection.md;
  // keyship's own routes guard themselves, so the rules' default skips them). Each Hono
  // middleware step costs a promise; these need no chain.
  const protect = compileProtection(protection, { ownPaths: keyshipOwnPaths(instance.settings) });
  const authenticate: typeof auth.authenticate =
    protect === undefined
      ? auth.authenticate
      : (c, next) => auth.authenticate(c, () => protect(c, next) as Promise<void>);
  app.use(
    "*",
    observedFirst(app, function keyshipRequest(c, next) {
      return base(c, () => authenticate(c, next) as Promise<void>);
    }),
  );
  app.route("/", healthRoutes(instance.health));
  app.route("/", instance.jwksRoutes);
  // The app authenticated the request already: protected routes only need the guard.
  app.route("/auth", authRouter(parts, [requireUser()]));
  if (instance.settings.adminEnabled) app.route("/admin", adminRouter(parts, [requireUser()]));
  const cookies = parts.context.sessions.cookies;
  mountDocs(app, {
    info: options.openapiInfo ?? { title: "keyship API", version: "0.1.0" },
    accessCookie: `${cookies.secure ? "__Host-" : ""}${cookies.access}`,
  });
  let notFound: ReturnType<typeof methodNotAllowedHandler> | undefined;
  app.notFound((c) => {
    // Compiled on the first miss: by then every route is registered (the app's own included),
    // since Hono refuses new routes once it has served a request.
    notFound ??= methodNotAllowedHandler(app.routes);
    return notFound(c);
  });
  return app;
}
