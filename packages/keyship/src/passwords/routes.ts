/**
 * Password routes (mounted under `/auth` when password sign-in is on).
 * @module
 */
import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import { auditSourceOf } from "../audit/request.ts";
import { DPOP_PROOF_PROBLEMS, DpopProofHeader } from "../dpop/schemas.ts";
import { clientIp } from "../http/client-ip.ts";
import { problemResponses } from "../http/openapi.ts";
import {
  BEARER_SECURITY,
  type Guards,
  jsonBody,
  jsonResponse,
  NO_CONTENT,
  principalOf,
} from "../http/route-helpers.ts";
import { createRouter, type KeyshipRouter } from "../http/router.ts";
import type { KeyshipEnv } from "../http/variables.ts";
import { respondSignedIn, signInClient } from "../sessions/respond.ts";
import { SteppedUp } from "../stepup/routes.ts";
import { changePassword } from "./change.ts";
import type { PasswordsContext } from "./context.ts";
import { loginWithPassword } from "./login.ts";
import { registerWithPassword } from "./register.ts";
import { confirmPasswordReset, requestPasswordReset } from "./reset.ts";
import {
  Accepted,
  EmailBody,
  PasswordChangeBody,
  PasswordChanged,
  PasswordLoginBody,
  PasswordSignedIn,
  PasswordStepUpBody,
  passwordRegisterBody,
  ResetConfirmBody,
  TokenBody,
} from "./schemas.ts";
import { stepUpWithPassword } from "./step-up.ts";
import { confirmEmailVerification, requestEmailVerification } from "./verify.ts";

const tags = ["passwords"];
const accepted = { accepted: true } as const;

const ipOf = (c: Context<KeyshipEnv>, ctx: PasswordsContext) =>
  clientIp(c, ctx.settings.trustProxy);
const binding = (
  c: Context<KeyshipEnv>,
  ctx: PasswordsContext,
  session: "bearer" | "cookie" | undefined,
) => ({
  ...signInClient(c, ctx, session),
  clientIp: ipOf(c, ctx),
});

/** Sign-up and sign-in with a password. */
function signInRoutes(ctx: PasswordsContext): KeyshipRouter {
  const router = createRouter();
  router.openapi(
    createRoute({
      method: "post",
      path: "/register",
      tags,
      summary: "Create an account with email and password; binds a device",
      request: { ...jsonBody(passwordRegisterBody(ctx.userFields)), headers: DpopProofHeader },
      responses: {
        201: jsonResponse("The new account.", PasswordSignedIn),
        ...problemResponses(
          ...DPOP_PROOF_PROBLEMS,
          "password.too_short",
          "password.too_long",
          "password.email_taken",
          "device.invalid_public_key",
          "auth.csrf_failed",
          "rate_limited",
        ),
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const result = await registerWithPassword(ctx, auditSourceOf(c), {
        ...body,
        fields: ctx.userFields.pick(body),
        ...binding(c, ctx, body.session),
      });
      return respondSignedIn(c, ctx, result, 201);
    },
  );
  router.openapi(
    createRoute({
      method: "post",
      path: "/login",
      tags,
      summary: "Sign in with email and password; binds a device",
      request: { ...jsonBody(PasswordLoginBody), headers: DpopProofHeader },
      responses: {
        200: jsonResponse("The signed-in account.", PasswordSignedIn),
        ...problemResponses(
          ...DPOP_PROOF_PROBLEMS,
          "auth.invalid_credentials",
          "password.email_unverified",
          "device.invalid_public_key",
          "auth.csrf_failed",
          "rate_limited",
        ),
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      return respondSignedIn(
        c,
        ctx,
        await loginWithPassword(ctx, auditSourceOf(c), {
          ...body,
          ...binding(c, ctx, body.session),
        }),
      );
    },
  );
  return router;
}

/** Password reset by email, and change for the signed-in user. */
function resetRoutes(ctx: PasswordsContext, signedIn: Guards): KeyshipRouter {
  const router = createRouter();
  router.openapi(
    createRoute({
      method: "post",
      path: "/password-reset/request",
      tags,
      summary: "Email a reset link (the same answer whether or not the account exists)",
      request: jsonBody(EmailBody),
      responses: {
        202: jsonResponse("Accepted.", Accepted),
        ...problemResponses("rate_limited"),
      },
    }),
    async (c) => {
      await requestPasswordReset(ctx, auditSourceOf(c), {
        ...c.req.valid("json"),
        clientIp: ipOf(c, ctx),
      });
      return c.json(accepted, 202);
    },
  );
  router.openapi(
    createRoute({
      method: "post",
      path: "/password-reset/confirm",
      tags,
      summary: "Set a new password from a reset link; signs every device out",
      request: jsonBody(ResetConfirmBody),
      responses: {
        ...NO_CONTENT,
        ...problemResponses("password.too_short", "password.too_long", "password.token_invalid"),
      },
    }),
    async (c) => {
      await confirmPasswordReset(ctx, auditSourceOf(c), c.req.valid("json"));
      return c.body(null, 204);
    },
  );
  router.openapi(
    createRoute({
      method: "post",
      path: "/password/change",
      tags,
      summary: "Change the password; signs every other device and session out",
      middleware: signedIn,
      security: BEARER_SECURITY,
      request: jsonBody(PasswordChangeBody),
      responses: {
        200: jsonResponse("Changed.", PasswordChanged),
        ...problemResponses(
          "auth.unauthenticated",
          "auth.step_up_required",
          "auth.invalid_credentials",
          "password.too_short",
          "password.too_long",
          "rate_limited",
        ),
      },
    }),
    async (c) => {
      const revokedDevices = await changePassword(ctx, auditSourceOf(c), {
        ...c.req.valid("json"),
        principal: principalOf(c),
        clientIp: ipOf(c, ctx),
      });
      return c.json({ revokedDevices }, 200);
    },
  );
  return router;
}

/** Step-up with the password, for accounts without a passkey. */
function stepUpRoutes(ctx: PasswordsContext, signedIn: Guards): KeyshipRouter {
  const router = createRouter();
  router.openapi(
    createRoute({
      method: "post",
      path: "/step-up/password",
      tags,
      summary:
        "Step up with the password: marks the calling device or session for sensitive actions",
      middleware: signedIn,
      security: BEARER_SECURITY,
      request: jsonBody(PasswordStepUpBody),
      responses: {
        200: jsonResponse("Stepped up.", SteppedUp),
        ...problemResponses(
          "auth.unauthenticated",
          "auth.step_up_required",
          "auth.invalid_credentials",
          "rate_limited",
        ),
      },
    }),
    async (c) =>
      c.json(
        await stepUpWithPassword(ctx, auditSourceOf(c), principalOf(c), {
          password: c.req.valid("json").password,
          clientIp: ipOf(c, ctx),
        }),
        200,
      ),
  );
  return router;
}

/** Email verification. */
function verificationRoutes(ctx: PasswordsContext): KeyshipRouter {
  const router = createRouter();
  router.openapi(
    createRoute({
      method: "post",
      path: "/email/verify/request",
      tags,
      summary: "Email a verification link (the same answer whether or not the account exists)",
      request: jsonBody(EmailBody),
      responses: {
        202: jsonResponse("Accepted.", Accepted),
        ...problemResponses("rate_limited"),
      },
    }),
    async (c) => {
      await requestEmailVerification(ctx, auditSourceOf(c), {
        ...c.req.valid("json"),
        clientIp: ipOf(c, ctx),
      });
      return c.json(accepted, 202);
    },
  );
  router.openapi(
    createRoute({
      method: "post",
      path: "/email/verify/confirm",
      tags,
      summary: "Mark the email address verified from a verification link",
      request: jsonBody(TokenBody),
      responses: { ...NO_CONTENT, ...problemResponses("password.token_invalid") },
    }),
    async (c) => {
      await confirmEmailVerification(ctx, auditSourceOf(c), c.req.valid("json"));
      return c.body(null, 204);
    },
  );
  return router;
}

/**
 * The password router.
 * @param ctx the password services' dependencies (see `createPasswordsContext`)
 * @param signedIn middleware that authenticates the caller and requires a user
 */
export function passwordRoutes(ctx: PasswordsContext, signedIn: Guards): KeyshipRouter {
  const router = createRouter();
  router.route("/", signInRoutes(ctx));
  router.route("/", resetRoutes(ctx, signedIn));
  router.route("/", verificationRoutes(ctx));
  router.route("/", stepUpRoutes(ctx, signedIn));
  return router;
}
