/**
 * The OAuth endpoints (mounted under `/auth`): `POST /oauth/token` (RFC 6749 §4.4 and §6),
 * `POST /oauth/introspect` (RFC 7662) and `POST /oauth/revoke` (RFC 7009). They take
 * `application/x-www-form-urlencoded` bodies, as RFC 6749 requires, and JSON; client
 * credentials come by HTTP Basic or in the body, never in the URL.
 *
 * Their errors are RFC 6749 §5.2 JSON: `application/json` with `error` and
 * `error_description`, plus the problem members (`type`, `title`, `status`, `detail`, `code`,
 * `trace_id`) every keyship error has, so OAuth libraries (which refuse other media types) and
 * keyship clients both read them.
 * @module
 */
import { createRoute, type z } from "@hono/zod-openapi";
import type { Context, ErrorHandler, MiddlewareHandler } from "hono";
import { auditSourceOf } from "../audit/request.ts";
import { type ProblemCode, ProblemError, toProblemBody } from "../errors.ts";
import { clientIp } from "../http/client-ip.ts";
import { authorizationHeader } from "../http/headers.ts";
import { handleError, problemResponse, toProblemError } from "../http/problem.ts";
import { createRouter, type KeyshipRouter } from "../http/router.ts";
import type { KeyshipEnv } from "../http/variables.ts";
import { assertAllowed } from "../ratelimit/limiter.ts";
import { rateLimitTripped } from "../signin/failures.ts";
import { authenticateClient, clientCredentialsOf, type OAuthRule } from "./credentials.ts";
import { grantToken } from "./grant.ts";
import { type IntrospectionContext, introspectToken, revokeToken } from "./introspect.ts";
import {
  IntrospectionSchema,
  OAuthErrorSchema,
  TokenParameterSchema,
  TokenRequestSchema,
  TokenResponseSchema,
} from "./schemas.ts";

const tags = ["oauth"];

/** The problems a malformed OAuth request becomes (RFC 6749 §5.2 `invalid_request`). */
const MALFORMED = new Set<ProblemCode>(["validation.failed", "request.malformed_json"]);

/**
 * The OAuth routes' error handler: `oauth.*` problems (and malformed requests) as RFC 6749
 * §5.2 JSON; anything else (429, 5xx) as the usual problem+json.
 */
const handleOAuthError: ErrorHandler<KeyshipEnv> = (error, c) => {
  const found = toProblemError(error);
  const problem = MALFORMED.has(found.code)
    ? new ProblemError("oauth.invalid_request", { cause: found.cause ?? error })
    : found;
  if (!problem.code.startsWith("oauth.")) return handleError(error, c);
  c.var.logger?.debug({ err: problem.cause, code: problem.code }, "OAuth request refused");
  const body = {
    ...toProblemBody(problem, c.var.traceId ?? ""),
    error: problem.code.slice("oauth.".length),
    error_description: problem.detail,
  };
  return c.body(JSON.stringify(body), problem.status as 400, {
    "Content-Type": "application/json",
    "Cache-Control": "no-store",
    Pragma: "no-cache",
    ...problem.headers,
  });
};

/** Validation failures are `invalid_request` here, not `validation.failed`. */
function oauthHook(result: { success: boolean; error?: unknown }): undefined {
  if (!result.success) throw new ProblemError("oauth.invalid_request", { cause: result.error });
  return undefined;
}

/** A body of `schema` as a form (RFC 6749's encoding) or as JSON. */
function formOrJson<T extends z.ZodType>(schema: T) {
  // Not `required`: zod-openapi would then run both validators on every body; each runs for
  // its own content type, and an empty body fails the schema (grant_type, token) anyway.
  return {
    body: {
      required: false,
      content: {
        "application/x-www-form-urlencoded": { schema },
        "application/json": { schema },
      },
    },
  } as const;
}

function bodyOf<T>(c: Context, valid: (target: "form" | "json") => T): T {
  const type = c.req.header("content-type") ?? "";
  return valid(/^application\/x-www-form-urlencoded/i.test(type) ? "form" : "json");
}

function oauthErrors(...codes: ProblemCode[]) {
  const byStatus: Record<number, { description: string; content: object }> = {};
  for (const status of [400, 401] as const) {
    const list = ["oauth.invalid_request" as ProblemCode, ...codes].filter((code) =>
      code === "oauth.invalid_client" ? status === 401 : status === 400,
    );
    if (list.length === 0) continue;
    byStatus[status] = {
      description: `OAuth error (RFC 6749 §5.2): ${list.join(", ")}`,
      content: { "application/json": { schema: OAuthErrorSchema } },
    };
  }
  return byStatus;
}

/** RFC 6749 §5.1: token responses are never cached. */
function noCache(c: Context): void {
  c.header("Cache-Control", "no-store");
  c.header("Pragma", "no-cache");
}

function tokenRoute(ctx: IntrospectionContext, router: KeyshipRouter): void {
  const { trustProxy } = ctx.settings;
  router.openapi(
    createRoute({
      method: "post",
      path: "/oauth/token",
      tags,
      summary:
        "OAuth 2 token endpoint: client credentials, and refresh tokens for clients allowed to",
      request: formOrJson(TokenRequestSchema),
      responses: {
        200: {
          description: "The token.",
          content: { "application/json": { schema: TokenResponseSchema } },
        },
        ...oauthErrors(
          "oauth.invalid_client",
          "oauth.invalid_grant",
          "oauth.invalid_scope",
          "oauth.unauthorized_client",
          "oauth.unsupported_grant_type",
        ),
      },
    }),
    async (c) => {
      const source = auditSourceOf(c);
      const tripped = (rule: OAuthRule, targetId?: string) =>
        c.var.audit
          .record(c, {
            ...rateLimitTripped(rule),
            ...(targetId ? { targetType: "client", targetId } : {}),
          })
          .catch((err: unknown) =>
            c.var.logger.error({ err }, "audit event of a rate limit not recorded"),
          );
      await assertAllowed(ctx.limits, clientIp(c, trustProxy), "oauth.token.ip", (r) => tripped(r));
      const body = bodyOf(c, (target) => c.req.valid(target));
      const credentials = clientCredentialsOf(authorizationHeader(c), body);
      const client = await authenticateClient(ctx, source, credentials, "token");
      await assertAllowed(ctx.limits, client.id, "oauth.token.client", (r) =>
        tripped(r, client.id),
      );
      const token = await grantToken(ctx, source, client, body);
      noCache(c);
      return c.json(token, 200);
    },
    oauthHook,
  );
}

function introspectionRoutes(ctx: IntrospectionContext, router: KeyshipRouter): void {
  router.openapi(
    createRoute({
      method: "post",
      path: "/oauth/introspect",
      tags,
      summary: "OAuth 2 token introspection (RFC 7662), for authenticated clients",
      request: formOrJson(TokenParameterSchema),
      responses: {
        200: {
          description: "The token's state; `{ active: false }` for anything not live.",
          content: { "application/json": { schema: IntrospectionSchema } },
        },
        ...oauthErrors("oauth.invalid_client"),
      },
    }),
    async (c) => {
      const body = bodyOf(c, (target) => c.req.valid(target));
      const credentials = clientCredentialsOf(authorizationHeader(c), body);
      const caller = await authenticateClient(ctx, auditSourceOf(c), credentials, "introspect");
      const answer = await introspectToken(ctx, caller, body.token);
      noCache(c);
      return c.json(answer, 200);
    },
    oauthHook,
  );
  router.openapi(
    createRoute({
      method: "post",
      path: "/oauth/revoke",
      tags,
      summary: "OAuth 2 token revocation (RFC 7009): ends the token's family",
      request: formOrJson(TokenParameterSchema),
      responses: {
        200: { description: "Revoked, or nothing to revoke (RFC 7009 §2.2 answers alike)." },
        ...oauthErrors("oauth.invalid_client"),
      },
    }),
    async (c) => {
      const body = bodyOf(c, (target) => c.req.valid(target));
      const credentials = clientCredentialsOf(authorizationHeader(c), body);
      const source = auditSourceOf(c);
      const caller = await authenticateClient(ctx, source, credentials, "revoke");
      await revokeToken(ctx, source, caller, body.token);
      noCache(c);
      return c.body(null, 200);
    },
    oauthHook,
  );
}

/**
 * Refuses OAuth clients (403 `auth.forbidden`) on keyship's account routes (devices,
 * sessions, passkeys, step-up, logout): those are a person's, and a client is no user.
 * Runs after the signed-in guard.
 */
export const refuseClients: MiddlewareHandler<KeyshipEnv> = function keyshipRefuseClients(c, next) {
  return c.get("principal")?.via === "client"
    ? Promise.resolve(problemResponse(c, new ProblemError("auth.forbidden")))
    : next();
};

/**
 * The OAuth router (mount it with the `/auth` routes).
 * @param ctx the instance's context, the OAuth limits and the token verifiers
 */
export function oauthRoutes(ctx: IntrospectionContext): KeyshipRouter {
  const router = createRouter();
  router.onError(handleOAuthError);
  tokenRoute(ctx, router);
  introspectionRoutes(ctx, router);
  return router;
}
