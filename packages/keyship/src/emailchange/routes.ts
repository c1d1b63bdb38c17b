/**
 * Email-change routes (mounted under `/auth` when keyship can send mail).
 * @module
 */
import { createRoute } from "@hono/zod-openapi";
import { auditSourceOf } from "../audit/request.ts";
import { problemResponses } from "../http/openapi.ts";
import {
  BEARER_SECURITY,
  jsonBody,
  jsonResponse,
  principalOf,
  type RouteGuards,
} from "../http/route-helpers.ts";
import { createRouter, type KeyshipRouter } from "../http/router.ts";
import { Accepted } from "../passwords/schemas.ts";
import { EmailChangeBody, EmailChangeConfirmBody, EmailChanged } from "./schemas.ts";
import { confirmEmailChange, type EmailChangeContext, requestEmailChange } from "./service.ts";

const tags = ["account"];

/**
 * The email-change router.
 * @param ctx the email-change context (with a mailer)
 * @param guards `sensitive` (step-up) for asking
 */
export function emailChangeRoutes(ctx: EmailChangeContext, guards: RouteGuards): KeyshipRouter {
  const router = createRouter();
  router.openapi(
    createRoute({
      method: "post",
      path: "/email/change",
      tags,
      summary: "Mail a confirmation link to a new address (the same answer whether it is taken)",
      middleware: guards.sensitive,
      security: BEARER_SECURITY,
      request: jsonBody(EmailChangeBody),
      responses: {
        202: jsonResponse("Accepted.", Accepted),
        ...problemResponses("auth.step_up_required", "auth.unauthenticated", "rate_limited"),
      },
    }),
    async (c) => {
      const { newEmail } = c.req.valid("json");
      await requestEmailChange(ctx, auditSourceOf(c), { userId: principalOf(c).userId, newEmail });
      return c.json({ accepted: true } as const, 202);
    },
  );
  router.openapi(
    createRoute({
      method: "post",
      path: "/email/change/confirm",
      tags,
      summary: "Switch to the new address from its link (it becomes verified; sessions stay)",
      request: jsonBody(EmailChangeConfirmBody),
      responses: {
        200: jsonResponse("The new address.", EmailChanged),
        ...problemResponses("email_change.token_invalid"),
      },
    }),
    async (c) =>
      c.json(await confirmEmailChange(ctx, auditSourceOf(c), c.req.valid("json").token), 200),
  );
  return router;
}
