/**
 * Recovery routes (mounted under `/auth`): recovery codes of the signed-in user, the recovery
 * ceremony, and, when enabled, the recovery email.
 * @module
 */
import { createRoute } from "@hono/zod-openapi";
import { auditSourceOf } from "../audit/request.ts";
import { DPOP_PROOF_PROBLEMS, DpopProofHeader } from "../dpop/schemas.ts";
import { clientIp } from "../http/client-ip.ts";
import { problemResponses } from "../http/openapi.ts";
import {
  BEARER_SECURITY,
  jsonBody,
  jsonResponse,
  principalOf,
  type RouteGuards,
} from "../http/route-helpers.ts";
import { createRouter, type KeyshipRouter } from "../http/router.ts";
import { CeremonyStarted, RegisterFinishBody, SignedIn } from "../passkeys/schemas.ts";
import { Accepted, EmailBody } from "../passwords/schemas.ts";
import { respondSignedIn, signInClient } from "../sessions/respond.ts";
import { finishRecovery, startRecovery } from "./ceremony.ts";
import type { RecoveryContext } from "./context.ts";
import { requestRecoveryEmail } from "./email-link.ts";
import { createRecoveryCodes, recoveryCodesStatus } from "./manage.ts";
import { RecoveryCodesCreated, RecoveryCodesLeft, RecoveryStartBody } from "./schemas.ts";

const tags = ["recovery"];

/** The signed-in user's recovery codes. */
function codeRoutes(ctx: RecoveryContext, guards: RouteGuards): KeyshipRouter {
  const router = createRouter();
  router.openapi(
    createRoute({
      method: "post",
      path: "/recovery-codes",
      tags,
      summary: "Create 10 recovery codes (shown once), replacing the earlier ones",
      middleware: guards.sensitive,
      security: BEARER_SECURITY,
      responses: {
        201: jsonResponse("The new codes.", RecoveryCodesCreated),
        ...problemResponses("auth.step_up_required", "auth.unauthenticated", "recovery.no_email"),
      },
    }),
    async (c) =>
      c.json(await createRecoveryCodes(ctx, auditSourceOf(c), principalOf(c).userId), 201),
  );
  router.openapi(
    createRoute({
      method: "get",
      path: "/recovery-codes",
      tags,
      summary: "How many recovery codes are left",
      middleware: guards.signedIn,
      security: BEARER_SECURITY,
      responses: {
        200: jsonResponse("The count.", RecoveryCodesLeft),
        ...problemResponses("auth.unauthenticated"),
      },
    }),
    async (c) => c.json(await recoveryCodesStatus(ctx, principalOf(c).userId), 200),
  );
  return router;
}

/** The recovery ceremony: a code (or a link) opens the registration of a new passkey. */
function ceremonyRoutes(ctx: RecoveryContext): KeyshipRouter {
  const router = createRouter();
  router.openapi(
    createRoute({
      method: "post",
      path: "/recovery/start",
      tags,
      summary: "Start recovering an account with a recovery code (or a recovery link)",
      request: jsonBody(RecoveryStartBody),
      responses: {
        200: jsonResponse("Creation options for a new passkey, and the flow id.", CeremonyStarted),
        ...problemResponses("recovery.code_invalid", "recovery.link_invalid", "rate_limited"),
      },
    }),
    async (c) => {
      const input = { ...c.req.valid("json"), clientIp: clientIp(c, ctx.settings.trustProxy) };
      return c.json(await startRecovery(ctx, auditSourceOf(c), input), 200);
    },
  );
  router.openapi(
    createRoute({
      method: "post",
      path: "/recovery/finish",
      tags,
      summary:
        "Finish recovering: registers the passkey, signs every other device and session out, binds this one",
      request: { ...jsonBody(RegisterFinishBody), headers: DpopProofHeader },
      responses: {
        200: jsonResponse("The signed-in account.", SignedIn),
        ...problemResponses(
          ...DPOP_PROOF_PROBLEMS,
          "passkey.challenge_invalid",
          "passkey.verification_failed",
          "passkey.user_verification_required",
          "passkey.already_registered",
          "device.invalid_public_key",
          "auth.csrf_failed",
          "recovery.code_invalid",
          "recovery.link_invalid",
        ),
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const result = await finishRecovery(ctx, auditSourceOf(c), {
        ...body,
        ...signInClient(c, ctx, body.session),
      });
      return respondSignedIn(c, ctx, result, 200);
    },
  );
  return router;
}

/** `POST /recovery/email` (only with `recoveryEmailEnabled`). */
function emailRoutes(ctx: RecoveryContext): KeyshipRouter {
  const router = createRouter();
  router.openapi(
    createRoute({
      method: "post",
      path: "/recovery/email",
      tags,
      summary: "Email a recovery link (the same answer whether or not the account exists)",
      request: jsonBody(EmailBody),
      responses: {
        202: jsonResponse("Accepted.", Accepted),
        ...problemResponses("rate_limited"),
      },
    }),
    async (c) => {
      await requestRecoveryEmail(ctx, auditSourceOf(c), {
        ...c.req.valid("json"),
        clientIp: clientIp(c, ctx.settings.trustProxy),
      });
      return c.json({ accepted: true } as const, 202);
    },
  );
  return router;
}

/**
 * The recovery router.
 * @param ctx the recovery context
 * @param guards `signedIn`, and `sensitive` (step-up) for creating codes
 */
export function recoveryRoutes(ctx: RecoveryContext, guards: RouteGuards): KeyshipRouter {
  const router = createRouter();
  router.route("/", codeRoutes(ctx, guards));
  router.route("/", ceremonyRoutes(ctx));
  if (ctx.settings.recoveryEmailEnabled) router.route("/", emailRoutes(ctx));
  return router;
}
