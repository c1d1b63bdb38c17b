/**
 * `/step-up/start` and `/step-up/finish` (mounted under `/auth`): a fresh passkey assertion
 * for sensitive actions. `/step-up/password` lives with the password routes.
 * @module
 */
import { createRoute, z } from "@hono/zod-openapi";
import { auditSourceOf } from "../audit/request.ts";
import type { KeyshipContext } from "../context.ts";
import { problemResponses } from "../http/openapi.ts";
import {
  BEARER_SECURITY,
  type Guards,
  jsonBody,
  jsonResponse,
  principalOf,
} from "../http/route-helpers.ts";
import { createRouter, type KeyshipRouter } from "../http/router.ts";
import { CeremonyStarted, EmptyBody, StepUpFinishBody } from "../passkeys/schemas.ts";
import { finishStepUp, startStepUp } from "./service.ts";

const tags = ["step-up"];

/** The answer of a successful step-up. */
export const SteppedUp = z
  .object({
    steppedUpUntil: z.string().openapi({
      description: "Until when this device or session may perform sensitive actions.",
    }),
  })
  .openapi("SteppedUp");

/**
 * The step-up router.
 * @param ctx shared dependencies
 * @param signedIn middleware that authenticates the caller and requires a user
 */
export function stepUpRoutes(ctx: KeyshipContext, signedIn: Guards): KeyshipRouter {
  const router = createRouter();
  router.openapi(
    createRoute({
      method: "post",
      path: "/step-up/start",
      tags,
      summary:
        "Start a step-up: assertion options for the caller's passkeys, user verification required",
      middleware: signedIn,
      security: BEARER_SECURITY,
      request: jsonBody(EmptyBody),
      responses: {
        200: jsonResponse("Request options and the flow id.", CeremonyStarted),
        ...problemResponses("auth.unauthenticated", "auth.step_up_no_passkey"),
      },
    }),
    async (c) => c.json(await startStepUp(ctx, principalOf(c)), 200),
  );

  router.openapi(
    createRoute({
      method: "post",
      path: "/step-up/finish",
      tags,
      summary: "Finish a step-up: marks the calling device or session for sensitive actions",
      middleware: signedIn,
      security: BEARER_SECURITY,
      request: jsonBody(StepUpFinishBody),
      responses: {
        200: jsonResponse("Stepped up.", SteppedUp),
        ...problemResponses(
          "auth.unauthenticated",
          "passkey.challenge_invalid",
          "passkey.unknown_credential",
          "passkey.verification_failed",
          "passkey.user_verification_required",
          "passkey.counter_regression",
        ),
      },
    }),
    async (c) =>
      c.json(await finishStepUp(ctx, auditSourceOf(c), principalOf(c), c.req.valid("json")), 200),
  );

  return router;
}
