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
import type { RouteConfig, z } from "@hono/zod-openapi";
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

/**
 * The OAuth routes' error handler: `oauth.*` problems as RFC 6749 §5.2 JSON; anything else
 * (413, 415, 429, 5xx) as the usual problem+json.
 */
const handleOAuthError: ErrorHandler<KeyshipEnv> = (error, c) => {
  const problem = toProblemError(error);
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

const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(;|$)/i;
const JSON_TYPE = /^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i;

/** A form's parameters; a repeated one becomes a list, which fails its string schema. */
function formParameters(text: string): Record<string, string | string[]> {
  const seen = new Map<string, string | string[]>();
  for (const [name, value] of new URLSearchParams(text)) {
    const previous = seen.get(name);
    seen.set(name, previous === undefined ? value : [previous, value].flat());
  }
  return Object.fromEntries(seen);
}

/**
 * The request's parameters: a form (RFC 6749's encoding) or a JSON object, validated by
 * `schema`. Read here rather than by zod-openapi's validators, whose form parser builds a
 * Fetch `Response` per request (a sizeable share of a token grant); the schema is the same.
 * @throws ProblemError `oauth.invalid_request` (malformed, missing or repeated parameters),
 *   `request.unsupported_media_type` (another media type)
 */
async function parametersOf<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  const type = c.req.header("content-type") ?? "";
  const isForm = FORM_TYPE.test(type);
  if (!isForm && !JSON_TYPE.test(type)) throw new ProblemError("request.unsupported_media_type");
  const text = await c.req.text();
  let raw: unknown;
  try {
    raw = isForm ? formParameters(text) : JSON.parse(text);
  } catch (error) {
    throw new ProblemError("oauth.invalid_request", { cause: error });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new ProblemError("oauth.invalid_request", { cause: parsed.error });
  return parsed.data;
}

/** A body of `schema` as a form or as JSON, for the OpenAPI document. */
function formOrJson<T extends z.ZodType>(schema: T) {
  const content = { schema };
  return {
    body: {
      required: true,
      content: { "application/x-www-form-urlencoded": content, "application/json": content },
    },
  } as const;
}

/**
 * Registers an OAuth route: documented from its zod schemas like every route, its body read
 * by {@link parametersOf}.
 */
function oauthRoute<T extends z.ZodType>(
  router: KeyshipRouter,
  route: RouteConfig & { readonly path: string },
  schema: T,
  handler: (c: Context<KeyshipEnv>, body: z.infer<T>) => Promise<Response>,
): void {
  // The client authenticates itself: HTTP Basic, or its id and secret in the form (hence `{}`).
  const security: Record<string, string[]>[] = [{ clientSecretBasic: [] }, {}];
  router.openAPIRegistry.registerPath({ ...route, security, request: formOrJson(schema) });
  router.post(route.path, async (c) => handler(c, await parametersOf(c, schema)));
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
  const route = {
    method: "post",
    path: "/oauth/token",
    tags,
    summary:
      "OAuth 2 token endpoint: client credentials, and refresh tokens for clients allowed to",
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
  } as const;
  oauthRoute(router, route, TokenRequestSchema, async (c, body) => {
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
    const credentials = clientCredentialsOf(authorizationHeader(c), body);
    const client = await authenticateClient(ctx, source, credentials, "token");
    await assertAllowed(ctx.limits, client.id, "oauth.token.client", (r) => tripped(r, client.id));
    const token = await grantToken(ctx, source, client, body);
    noCache(c);
    return c.json(token, 200);
  });
}

function introspectionRoutes(ctx: IntrospectionContext, router: KeyshipRouter): void {
  const introspect = {
    method: "post",
    path: "/oauth/introspect",
    tags,
    summary: "OAuth 2 token introspection (RFC 7662), for authenticated clients",
    responses: {
      200: {
        description: "The token's state; `{ active: false }` for anything not live.",
        content: { "application/json": { schema: IntrospectionSchema } },
      },
      ...oauthErrors("oauth.invalid_client"),
    },
  } as const;
  oauthRoute(router, introspect, TokenParameterSchema, async (c, body) => {
    const credentials = clientCredentialsOf(authorizationHeader(c), body);
    const caller = await authenticateClient(ctx, auditSourceOf(c), credentials, "introspect");
    const answer = await introspectToken(ctx, caller, body.token);
    noCache(c);
    return c.json(answer, 200);
  });
  const revoke = {
    method: "post",
    path: "/oauth/revoke",
    tags,
    summary: "OAuth 2 token revocation (RFC 7009): ends the token's family",
    responses: {
      200: { description: "Revoked, or nothing to revoke (RFC 7009 §2.2 answers alike)." },
      ...oauthErrors("oauth.invalid_client"),
    },
  } as const;
  oauthRoute(router, revoke, TokenParameterSchema, async (c, body) => {
    const credentials = clientCredentialsOf(authorizationHeader(c), body);
    const source = auditSourceOf(c);
    const caller = await authenticateClient(ctx, source, credentials, "revoke");
    await revokeToken(ctx, source, caller, body.token);
    noCache(c);
    return c.body(null, 200);
  });
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
