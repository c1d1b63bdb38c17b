/**
 * `/passkey/*` ceremonies and `/passkeys` management (mounted under `/auth`).
 * @module
 */
import { createRoute, z } from "@hono/zod-openapi";
import { auditSourceOf } from "../audit/request.ts";
import type { Principal } from "../auth/principal.ts";
import type { KeyshipContext } from "../context.ts";
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
import { finishPasskeyLogin, startPasskeyLogin } from "./login.ts";
import {
  finishAddPasskey,
  listPasskeys,
  renameUserPasskey,
  revokeUserPasskey,
  startAddPasskey,
} from "./manage.ts";
import { finishPasskeyRegistration, startPasskeyRegistration } from "./register.ts";
import {
  AddFinishBody,
  CeremonyStarted,
  EmptyBody,
  LoginFinishBody,
  PasskeyIdParam,
  PasskeySchema,
  RegisterFinishBody,
  RenameBody,
  registerStartBody,
  SignedIn,
} from "./schemas.ts";

const tags = ["passkeys"];

/** The signed-in caller's user id (the routes that call it run `signedIn` first). */
const userOf = (c: { get(key: "principal"): Principal | null }) => principalOf(c).userId;
const ceremonyFailures = [
  "passkey.challenge_invalid",
  "passkey.verification_failed",
  "passkey.user_verification_required",
  "device.invalid_public_key",
  "auth.csrf_failed",
] as const;

/** Registration: a new account with its first passkey. */
function registrationRoutes(ctx: KeyshipContext): KeyshipRouter {
  const router = createRouter();
  router.openapi(
    createRoute({
      method: "post",
      path: "/passkey/register/start",
      tags,
      summary: "Start registering a new account with a passkey",
      request: jsonBody(registerStartBody(ctx.userFields)),
      responses: {
        200: jsonResponse("Creation options and the flow id.", CeremonyStarted),
        ...problemResponses(),
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const fields = ctx.userFields.pick(body);
      return c.json(await startPasskeyRegistration(ctx, { ...body, fields }), 200);
    },
  );
  router.openapi(
    createRoute({
      method: "post",
      path: "/passkey/register/finish",
      tags,
      summary:
        "Finish registration: creates the user and passkey, binds a device and/or starts a session",
      request: { ...jsonBody(RegisterFinishBody), headers: DpopProofHeader },
      responses: {
        201: jsonResponse("The new account.", SignedIn),
        ...problemResponses(
          ...DPOP_PROOF_PROBLEMS,
          ...ceremonyFailures,
          "passkey.already_registered",
          "passkey.email_taken",
        ),
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const result = await finishPasskeyRegistration(ctx, auditSourceOf(c), {
        ...body,
        ...signInClient(c, ctx, body.session),
      });
      return respondSignedIn(c, ctx, result, 201);
    },
  );
  return router;
}

/** Sign-in with a discoverable passkey. */
function signInRoutes(ctx: KeyshipContext): KeyshipRouter {
  const router = createRouter();
  router.openapi(
    createRoute({
      method: "post",
      path: "/passkey/login/start",
      tags,
      summary: "Start signing in with a passkey (discoverable, autofill-ready)",
      request: jsonBody(EmptyBody),
      responses: {
        200: jsonResponse("Request options and the flow id.", CeremonyStarted),
        ...problemResponses(),
      },
    }),
    async (c) => c.json(await startPasskeyLogin(ctx), 200),
  );
  router.openapi(
    createRoute({
      method: "post",
      path: "/passkey/login/finish",
      tags,
      summary: "Finish signing in: binds a new device and/or starts a session",
      request: { ...jsonBody(LoginFinishBody), headers: DpopProofHeader },
      responses: {
        200: jsonResponse("The signed-in account.", SignedIn),
        ...problemResponses(
          ...DPOP_PROOF_PROBLEMS,
          ...ceremonyFailures,
          "passkey.unknown_credential",
          "passkey.counter_regression",
        ),
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const result = await finishPasskeyLogin(ctx, auditSourceOf(c), {
        ...body,
        ...signInClient(c, ctx, body.session),
      });
      return respondSignedIn(c, ctx, result, 200);
    },
  );
  return router;
}

/** Adding a passkey to the signed-in account. */
function addPasskeyRoutes(ctx: KeyshipContext, guards: RouteGuards): KeyshipRouter {
  const router = createRouter();
  router.openapi(
    createRoute({
      method: "post",
      path: "/passkey/add/start",
      tags,
      summary: "Start adding a passkey to the signed-in account",
      middleware: guards.sensitive,
      security: BEARER_SECURITY,
      request: jsonBody(EmptyBody),
      responses: {
        200: jsonResponse("Creation options and the flow id.", CeremonyStarted),
        ...problemResponses("auth.step_up_required", "auth.unauthenticated"),
      },
    }),
    async (c) => c.json(await startAddPasskey(ctx, userOf(c)), 200),
  );
  router.openapi(
    createRoute({
      method: "post",
      path: "/passkey/add/finish",
      tags,
      summary: "Finish adding a passkey",
      middleware: guards.sensitive,
      security: BEARER_SECURITY,
      request: jsonBody(AddFinishBody),
      responses: {
        201: jsonResponse("The new passkey.", z.object({ passkeyId: z.string() })),
        ...problemResponses(
          "auth.step_up_required",
          ...ceremonyFailures,
          "auth.unauthenticated",
          "passkey.already_registered",
        ),
      },
    }),
    async (c) =>
      c.json(await finishAddPasskey(ctx, auditSourceOf(c), userOf(c), c.req.valid("json")), 201),
  );
  return router;
}

/** Listing, renaming and revoking the signed-in user's passkeys. */
function managementRoutes(ctx: KeyshipContext, guards: RouteGuards): KeyshipRouter {
  const router = createRouter();
  router.openapi(
    createRoute({
      method: "get",
      path: "/passkeys",
      tags,
      summary: "List the signed-in user's passkeys",
      middleware: guards.signedIn,
      security: BEARER_SECURITY,
      responses: {
        200: jsonResponse(
          "The passkeys, revoked ones included.",
          z.object({ passkeys: z.array(PasskeySchema) }),
        ),
        ...problemResponses("auth.unauthenticated"),
      },
    }),
    async (c) => c.json({ passkeys: await listPasskeys(ctx, userOf(c)) }, 200),
  );
  router.openapi(
    createRoute({
      method: "patch",
      path: "/passkeys/{id}",
      tags,
      summary: "Rename a passkey",
      middleware: guards.sensitive,
      security: BEARER_SECURITY,
      request: { params: PasskeyIdParam, ...jsonBody(RenameBody) },
      responses: {
        200: jsonResponse("The renamed passkey.", PasskeySchema),
        ...problemResponses("auth.step_up_required", "auth.unauthenticated", "resource.not_found"),
      },
    }),
    async (c) =>
      c.json(
        await renameUserPasskey(
          ctx,
          auditSourceOf(c),
          userOf(c),
          c.req.valid("param").id,
          c.req.valid("json").name,
        ),
        200,
      ),
  );
  router.openapi(
    createRoute({
      method: "post",
      path: "/passkeys/{id}/revoke",
      tags,
      summary: "Revoke a passkey (never the last way to sign in)",
      middleware: guards.sensitive,
      security: BEARER_SECURITY,
      request: { params: PasskeyIdParam },
      responses: {
        ...NO_CONTENT,
        ...problemResponses(
          "auth.step_up_required",
          "auth.unauthenticated",
          "resource.not_found",
          "passkey.last_passkey",
        ),
      },
    }),
    async (c) => {
      await revokeUserPasskey(ctx, auditSourceOf(c), userOf(c), c.req.valid("param").id);
      return c.body(null, 204);
    },
  );
  return router;
}

/**
 * The passkey router: registration, sign-in, adding a passkey, and managing them.
 * @param ctx shared dependencies
 * @param guards what protected routes run: `signedIn`, and `sensitive` for actions that need a
 *   step-up
 */
export function passkeyRoutes(ctx: KeyshipContext, guards: RouteGuards): KeyshipRouter {
  const router = createRouter();
  router.route("/", registrationRoutes(ctx));
  router.route("/", signInRoutes(ctx));
  router.route("/", addPasskeyRoutes(ctx, guards));
  router.route("/", managementRoutes(ctx, guards));
  return router;
}
