/**
 * `/token/refresh`, `/sessions`, `/logout`, `/logout-all` (mounted under `/auth`), and the
 * JWKS router mounted at the app root.
 * @module
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { auditSourceOf } from "../audit/request.ts";
import type { Principal } from "../auth/principal.ts";
import { readBoundSession } from "../dbsc/cookie-route.ts";
import { DPOP_PROOF_PROBLEMS, DpopProofHeader } from "../dpop/schemas.ts";
import { ProblemError } from "../errors.ts";
import { problemResponses } from "../http/openapi.ts";
import {
  BEARER_SECURITY,
  jsonBody,
  jsonResponse,
  NO_CONTENT,
  principalOf,
  type RouteGuards,
} from "../http/route-helpers.ts";
import { createRouter, type KeyshipRouter } from "../http/router.ts";
import type { TokenIssuer } from "../tokens/issuer.ts";
import { clearSessionCookies, hasSessionCookies, readRefreshCookie } from "./cookies.ts";
import { type CsrfCheck, csrfForCookies } from "./csrf.ts";
import {
  listSessions,
  logout,
  logoutEverywhere,
  revokeUserSession,
  type SessionsContext,
} from "./manage.ts";
import { refreshSession } from "./refresh.ts";
import { respondSignedIn, signInClient } from "./respond.ts";
import {
  JwksSchema,
  RefreshBody,
  SessionIdParam,
  SessionSchema,
  SessionTokens,
} from "./schemas.ts";

const tags = ["sessions"];

/**
 * Clears the session cookies when the caller signed in with a session; in cookie mode also
 * sends `Clear-Site-Data: "cookies"`, so the browser drops every cookie of the site.
 */
function endCookies(c: Context, ctx: SessionsContext, p: Principal): void {
  if (p.via !== "session") return;
  if (hasSessionCookies(c, ctx.sessions.cookies)) c.header("Clear-Site-Data", '"cookies"');
  clearSessionCookies(c, ctx.sessions.cookies);
}

/** Refresh-token rotation (the refresh token in the body, or its cookie). */
function refreshRoutes(ctx: SessionsContext, csrf: CsrfCheck): KeyshipRouter {
  const router = createRouter();
  router.openapi(
    createRoute({
      method: "post",
      path: "/token/refresh",
      tags,
      summary: "Rotate the refresh token: new access and refresh tokens, the old one is spent",
      middleware: [csrfForCookies(csrf, ctx.sessions.cookies)],
      request: { ...jsonBody(RefreshBody), headers: DpopProofHeader },
      responses: {
        200: jsonResponse("The session's new tokens (in cookies in cookie mode).", SessionTokens),
        ...problemResponses(
          "token.invalid",
          "token.expired",
          "token.revoked",
          "token.refresh_reused",
          "auth.csrf_failed",
          ...DPOP_PROOF_PROBLEMS,
          "dpop.proof_required",
          "dpop.key_mismatch",
          "dbsc.bound_cookie_required",
        ),
      },
    }),
    async (c) => {
      const fromBody = c.req.valid("json").refreshToken;
      const { cookies, dbsc } = ctx.sessions;
      const refreshToken = fromBody ?? readRefreshCookie(c, ctx.sessions.cookies);
      if (refreshToken === undefined) throw new ProblemError("token.invalid");
      const session = await refreshSession(ctx, auditSourceOf(c), {
        refreshToken,
        mode: fromBody === undefined ? "cookie" : "bearer",
        client: { ...signInClient(c, ctx), dbscSessionId: readBoundSession(c, cookies, dbsc) },
      });
      return respondSignedIn(c, ctx, { session });
    },
  );
  return router;
}

/** The signed-in user's sessions: list, revoke one. */
function sessionListRoutes(ctx: SessionsContext, guards: RouteGuards): KeyshipRouter {
  const router = createRouter();
  router.openapi(
    createRoute({
      method: "get",
      path: "/sessions",
      tags,
      summary: "List the signed-in user's sessions",
      middleware: guards.signedIn,
      security: BEARER_SECURITY,
      responses: {
        200: jsonResponse(
          "The live sessions; `current` marks the caller's.",
          z.object({ sessions: z.array(SessionSchema) }),
        ),
        ...problemResponses("auth.unauthenticated"),
      },
    }),
    async (c) => {
      const p = principalOf(c);
      return c.json({ sessions: await listSessions(ctx, p.userId, p.sessionId) }, 200);
    },
  );
  router.openapi(
    createRoute({
      method: "post",
      path: "/sessions/{id}/revoke",
      tags,
      summary: "Revoke a session: its tokens stop working at once",
      middleware: guards.sensitive,
      security: BEARER_SECURITY,
      request: { params: SessionIdParam },
      responses: {
        ...NO_CONTENT,
        ...problemResponses(
          "auth.step_up_required",
          "auth.unauthenticated",
          "resource.not_found",
          "auth.csrf_failed",
        ),
      },
    }),
    async (c) => {
      await revokeUserSession(ctx, auditSourceOf(c), {
        userId: principalOf(c).userId,
        sessionId: c.req.valid("param").id,
        reason: "revoked",
      });
      return c.body(null, 204);
    },
  );
  return router;
}

/** Signing out: the calling session or device, or everything of the user. */
function logoutRoutes(ctx: SessionsContext, guards: RouteGuards): KeyshipRouter {
  const router = createRouter();
  router.openapi(
    createRoute({
      method: "post",
      path: "/logout",
      tags,
      summary: "Sign out: ends the calling session, or revokes the calling device",
      middleware: guards.signedIn,
      security: BEARER_SECURITY,
      responses: {
        ...NO_CONTENT,
        ...problemResponses("auth.unauthenticated", "auth.csrf_failed"),
      },
    }),
    async (c) => {
      const p = principalOf(c);
      await logout(ctx, auditSourceOf(c), p);
      endCookies(c, ctx, p);
      return c.body(null, 204);
    },
  );
  router.openapi(
    createRoute({
      method: "post",
      path: "/logout-all",
      tags,
      summary: "Sign out everywhere: every session and device of the user, the caller's included",
      middleware: guards.signedIn,
      security: BEARER_SECURITY,
      responses: {
        200: jsonResponse(
          "How many sessions and devices were revoked.",
          z.object({ sessions: z.number().int(), devices: z.number().int() }),
        ),
        ...problemResponses("auth.unauthenticated", "auth.csrf_failed"),
      },
    }),
    async (c) => {
      const p = principalOf(c);
      const revoked = await logoutEverywhere(ctx, auditSourceOf(c), p.userId);
      endCookies(c, ctx, p);
      return c.json(revoked, 200);
    },
  );
  return router;
}

/**
 * The sessions router.
 * @param ctx shared dependencies, with the device verifier (logout ends devices too)
 * @param guards what protected routes run: `signedIn`, and `sensitive` for actions that need a
 *   step-up
 * @param csrf the CSRF check of cookie mode
 */
export function sessionRoutes(
  ctx: SessionsContext,
  guards: RouteGuards,
  csrf: CsrfCheck,
): KeyshipRouter {
  const router = createRouter();
  router.route("/", refreshRoutes(ctx, csrf));
  router.route("/", sessionListRoutes(ctx, guards));
  router.route("/", logoutRoutes(ctx, guards));
  return router;
}

/**
 * The JWKS router: `GET /.well-known/jwks.json` with the public keys of the access-token
 * issuer (`{ keys: [] }` with an HMAC secret, which is never published).
 * @param issuer the access-token issuer
 */
export function jwksRoutes(issuer: Pick<TokenIssuer, "publicJwks">): KeyshipRouter {
  const router = createRouter();
  const body = issuer.publicJwks();
  router.openapi(
    createRoute({
      method: "get",
      path: "/.well-known/jwks.json",
      tags,
      summary: "The public keys that verify access tokens (RFC 7517 JWK Set)",
      responses: { 200: jsonResponse("The JWK Set.", JwksSchema) },
    }),
    (c) => {
      // Verifiers cache it; rotation adds a key before it signs (docs/sessions.md).
      c.header("Cache-Control", "public, max-age=300");
      return c.json(body as unknown as z.infer<typeof JwksSchema>, 200);
    },
  );
  return router;
}
