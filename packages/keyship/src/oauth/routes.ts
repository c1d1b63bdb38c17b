/**
 * OAuth / OpenID Connect sign-in routes (mounted under `/auth`): the provider list, the browser
 * legs (`callback-route.ts`), the code exchange, and the signed-in user's linked accounts.
 * @module
 */
import { createRoute, z } from "@hono/zod-openapi";
import { auditSourceOf } from "../audit/request.ts";
import { DPOP_PROOF_PROBLEMS, DpopProofHeader } from "../dpop/schemas.ts";
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
import { respondSignedIn, signInClient } from "../sessions/respond.ts";
import { listAccounts, unlinkAccount } from "./accounts.ts";
import { browserFlowRoutes, setFlowCookie } from "./callback-route.ts";
import type { OAuthContext } from "./context.ts";
import { exchangeOAuthCode } from "./exchange.ts";
import { startFlow } from "./flows.ts";
import {
  AccountIdParam,
  ExchangeBody,
  FlowBody,
  FlowStarted,
  LinkedAccountSchema,
  OAuthSignedIn,
  ProviderParam,
  ProviderSchema,
} from "./schemas.ts";

const tags = ["oauth-sign-in"];

/** `GET /oauth/providers` and `POST /oauth/exchange`. */
function signInRoutes(ctx: OAuthContext): KeyshipRouter {
  const router = createRouter();
  const providers = [...ctx.providers.values()].map(({ spec }) => ({
    id: spec.id,
    label: spec.label,
    kind: spec.kind,
  }));
  router.openapi(
    createRoute({
      method: "get",
      path: "/oauth/providers",
      tags,
      summary: "The configured sign-in providers, for sign-in buttons",
      responses: {
        200: jsonResponse("The providers.", z.object({ providers: z.array(ProviderSchema) })),
        ...problemResponses(),
      },
    }),
    (c) => c.json({ providers }, 200),
  );
  router.openapi(
    createRoute({
      method: "post",
      path: "/oauth/exchange",
      tags,
      summary: "Exchange a callback's one-time code: binds a device and/or starts a session",
      request: { ...jsonBody(ExchangeBody), headers: DpopProofHeader },
      responses: {
        200: jsonResponse("The signed-in account.", OAuthSignedIn),
        ...problemResponses(
          ...DPOP_PROOF_PROBLEMS,
          "oauth.code_invalid",
          "oauth.account_link_required",
          "oauth.already_linked",
          "auth.forbidden",
          "auth.csrf_failed",
          "device.invalid_public_key",
        ),
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const result = await exchangeOAuthCode(ctx, auditSourceOf(c), {
        ...body,
        ...signInClient(c, ctx, body.session),
      });
      return respondSignedIn(c, ctx, result, 200);
    },
  );
  return router;
}

/** Link and step-up starts: the signed-in user's flows, answered as the URL to visit. */
function signedInFlowRoutes(ctx: OAuthContext, guards: RouteGuards): KeyshipRouter {
  const router = createRouter();
  const flows = [
    {
      purpose: "link",
      path: "/oauth/{provider}/link",
      summary: "Start linking a provider to the signed-in account (needs a step-up)",
      middleware: guards.sensitive,
      failures: ["auth.step_up_required"] as const,
    },
    {
      purpose: "stepup",
      path: "/oauth/{provider}/step-up",
      summary: "Start a step-up by signing in with a linked provider again",
      middleware: guards.signedIn,
      failures: ["auth.forbidden", "auth.step_up_required"] as const,
    },
  ] as const;
  for (const flow of flows) {
    router.openapi(
      createRoute({
        method: "post",
        path: flow.path,
        tags,
        summary: flow.summary,
        middleware: flow.middleware,
        security: BEARER_SECURITY,
        request: { params: ProviderParam, ...jsonBody(FlowBody) },
        responses: {
          200: jsonResponse("The provider URL; the flow cookie is set.", FlowStarted),
          ...problemResponses(
            "auth.unauthenticated",
            ...flow.failures,
            "oauth.provider_unknown",
            "oauth.return_to_invalid",
            "oauth.provider_error",
          ),
        },
      }),
      async (c) => {
        const principal = principalOf(c);
        const started = await startFlow(ctx, {
          providerId: c.req.valid("param").provider,
          purpose: flow.purpose,
          returnTo: c.req.valid("json").returnTo,
          owner: {
            userId: principal.userId,
            subjectId: principal.deviceId ?? principal.sessionId ?? null,
            principal,
          },
        });
        setFlowCookie(c, ctx, started);
        return c.json({ url: started.url }, 200);
      },
    );
  }
  return router;
}

/** `GET /accounts` and `POST /accounts/{id}/unlink`. */
function accountRoutes(ctx: OAuthContext, guards: RouteGuards): KeyshipRouter {
  const router = createRouter();
  router.openapi(
    createRoute({
      method: "get",
      path: "/accounts",
      tags,
      summary: "The provider accounts linked to the signed-in user",
      middleware: guards.signedIn,
      security: BEARER_SECURITY,
      responses: {
        200: jsonResponse(
          "The linked accounts.",
          z.object({ accounts: z.array(LinkedAccountSchema) }),
        ),
        ...problemResponses("auth.unauthenticated"),
      },
    }),
    async (c) => c.json({ accounts: await listAccounts(ctx, principalOf(c).userId) }, 200),
  );
  router.openapi(
    createRoute({
      method: "post",
      path: "/accounts/{id}/unlink",
      tags,
      summary: "Unlink a provider account (never the last way to sign in; needs a step-up)",
      middleware: guards.signedIn,
      security: BEARER_SECURITY,
      request: { params: AccountIdParam },
      responses: {
        ...NO_CONTENT,
        ...problemResponses(
          "auth.unauthenticated",
          "auth.step_up_required",
          "auth.forbidden",
          "resource.not_found",
          "oauth.last_sign_in_method",
        ),
      },
    }),
    async (c) => {
      await unlinkAccount(ctx, auditSourceOf(c), principalOf(c), c.req.valid("param").id);
      return c.body(null, 204);
    },
  );
  return router;
}

/**
 * The OAuth sign-in router.
 * @param ctx the OAuth context (providers, store, cookie signer)
 * @param guards `signedIn`, and `sensitive` for linking
 */
export function oauthSignInRoutes(ctx: OAuthContext, guards: RouteGuards): KeyshipRouter {
  const router = createRouter();
  router.route("/", signInRoutes(ctx));
  router.route("/", browserFlowRoutes(ctx));
  router.route("/", signedInFlowRoutes(ctx, guards));
  router.route("/", accountRoutes(ctx, guards));
  return router;
}
