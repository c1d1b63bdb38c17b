/**
 * The browser legs of a provider round trip: `GET /oauth/{provider}/start` (302 to the
 * provider, setting the flow cookie) and `GET /oauth/{provider}/callback` (302 back to the
 * app, or 400 `oauth.state_invalid` without a valid flow cookie). Also the flow cookie itself:
 * `__Host-keyship-oauth`, HttpOnly, `SameSite=Lax` (it must come back on the provider's
 * top-level redirect), as long as the flow (`KEYSHIP_OAUTH_FLOW_TTL`).
 * @module
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { CookieOptions } from "hono/utils/cookie";
import { auditSourceOf } from "../audit/request.ts";
import { problemResponses } from "../http/openapi.ts";
import { createRouter, type KeyshipRouter } from "../http/router.ts";
import type { OAuthContext } from "./context.ts";
import { finishCallback, type StartedFlow, startFlow } from "./flows.ts";
import { CallbackQuery, ProviderParam, StartQuery } from "./schemas.ts";

const tags = ["oauth-sign-in"];

/** The flow cookie's name (with the `__Host-` prefix when the session cookies have it). */
const COOKIE = "keyship-oauth";

function cookieOptions(ctx: OAuthContext, maxAge: number): CookieOptions {
  const base = { httpOnly: true, sameSite: "Lax", maxAge } as const;
  return ctx.sessions.cookies.secure ? { ...base, prefix: "host" } : { ...base, path: "/" };
}

/** Sets the flow cookie of a started flow on the answer. */
export function setFlowCookie(c: Context, ctx: OAuthContext, started: StartedFlow): void {
  setCookie(c, COOKIE, started.cookie, cookieOptions(ctx, started.maxAgeSeconds));
}

function readFlowCookie(c: Context, ctx: OAuthContext): string | undefined {
  const value = ctx.sessions.cookies.secure ? getCookie(c, COOKIE, "host") : getCookie(c, COOKIE);
  return value === "" ? undefined : value;
}

const redirect = (description: string) => ({
  description,
  headers: z.object({ Location: z.string() }),
});

/**
 * The start and callback routes.
 * @param ctx the OAuth context
 */
export function browserFlowRoutes(ctx: OAuthContext): KeyshipRouter {
  const router = createRouter();
  router.openapi(
    createRoute({
      method: "get",
      path: "/oauth/{provider}/start",
      tags,
      summary: "Start signing in with a provider: redirects to it (state, PKCE S256, nonce)",
      request: { params: ProviderParam, query: StartQuery },
      responses: {
        302: redirect("To the provider's authorization endpoint; sets the flow cookie."),
        ...problemResponses(
          "oauth.provider_unknown",
          "oauth.return_to_invalid",
          "oauth.provider_error",
        ),
      },
    }),
    async (c) => {
      const started = await startFlow(ctx, {
        providerId: c.req.valid("param").provider,
        purpose: "signin",
        returnTo: c.req.valid("query").returnTo,
      });
      setFlowCookie(c, ctx, started);
      return c.redirect(started.url, 302);
    },
  );
  router.openapi(
    createRoute({
      method: "get",
      path: "/oauth/{provider}/callback",
      tags,
      summary: "The provider's redirect back: to returnTo#keyship_oauth=<one-time code>",
      description:
        "After the state and flow-cookie check, every outcome is a redirect to the flow's returnTo: `#keyship_oauth=<code>` (sign-in; exchange it within 60 s), `#keyship_oauth_linked=<provider>`, `#keyship_oauth_stepped_up=<provider>`, or `#keyship_oauth_error=<code>`.",
      request: { params: ProviderParam, query: CallbackQuery },
      responses: {
        302: redirect("Back to the app, with the outcome in the fragment."),
        ...problemResponses("oauth.state_invalid"),
      },
    }),
    async (c) => {
      const cookie = readFlowCookie(c, ctx);
      // Spent or not, the flow's cookie has done its job.
      deleteCookie(c, COOKIE, cookieOptions(ctx, 0));
      const location = await finishCallback(ctx, auditSourceOf(c), {
        providerId: c.req.valid("param").provider,
        cookie,
        query: new URL(c.req.url).searchParams,
      });
      return c.redirect(location, 302);
    },
  );
  return router;
}
