/**
 * `POST /dbsc/register` and `POST /dbsc/refresh` (mounted under `/auth`): the two endpoints a
 * DBSC browser calls by itself (docs/dbsc.md). Both answer for the configured public origin
 * the request came to, never for its raw `Host`.
 * @module
 */
import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import { auditSourceOf } from "../audit/request.ts";
import type { KeyshipContext } from "../context.ts";
import { ProblemError } from "../errors.ts";
import { problemResponses } from "../http/openapi.ts";
import { jsonResponse } from "../http/route-helpers.ts";
import { createRouter, type KeyshipRouter } from "../http/router.ts";
import { readAccessCookie } from "../sessions/cookies.ts";
import { setBoundCookie } from "./cookie-route.ts";
import { sessionConfig } from "./instructions.ts";
import { dbscOrigin } from "./offer-route.ts";
import { refreshDbscSession } from "./refresh.ts";
import { finishDbscRegistration } from "./register.ts";
import {
  DbscSessionConfigSchema,
  DbscSessionEndedSchema,
  RefreshHeaders,
  RegistrationHeaders,
} from "./schemas.ts";

const tags = ["dbsc"];

/** The configured origin of the request, or `dbsc.unavailable`. */
function originOf(c: Context, ctx: KeyshipContext): string {
  const origin = ctx.sessions.cookies.secure ? dbscOrigin(c, ctx.sessions.dbsc) : undefined;
  if (origin === undefined) {
    throw new ProblemError("dbsc.unavailable", {
      cause: new Error("not a configured HTTPS origin"),
    });
  }
  return origin;
}

/** The session of the request's access cookie, verified; undefined without a valid one. */
async function cookieSession(c: Context, ctx: KeyshipContext): Promise<string | undefined> {
  const token = readAccessCookie(c, ctx.sessions.cookies);
  if (token === undefined) return undefined;
  try {
    return (await ctx.sessions.issuer.verifyAccess(token)).sid;
  } catch {
    return undefined;
  }
}

/**
 * The DBSC router.
 * @param ctx the keyship context (its session runtime carries the DBSC runtime)
 */
export function dbscRoutes(ctx: KeyshipContext): KeyshipRouter {
  const router = createRouter();
  router.openapi(
    createRoute({
      method: "post",
      path: "/dbsc/register",
      tags,
      summary: "Register the browser's DBSC session key (called by the browser itself)",
      request: { headers: RegistrationHeaders },
      responses: {
        200: jsonResponse(
          "The session instructions; the bound cookie is set.",
          DbscSessionConfigSchema,
        ),
        ...problemResponses("dbsc.unavailable", "dbsc.invalid_proof", "dbsc.challenge_invalid"),
      },
    }),
    async (c) => {
      const origin = originOf(c, ctx);
      const { sessionId } = await finishDbscRegistration(ctx, auditSourceOf(c), {
        proof: c.req.valid("header")["secure-session-response"],
        cookieSessionId: await cookieSession(c, ctx),
      });
      setBoundCookie(c, ctx.sessions.cookies, ctx.sessions.dbsc, sessionId);
      return c.json(sessionConfig(origin, sessionId, ctx.sessions.cookies), 200);
    },
  );
  router.openapi(
    createRoute({
      method: "post",
      path: "/dbsc/refresh",
      tags,
      summary:
        "Renew the DBSC-bound cookie with a proof of the session key (called by the browser)",
      request: { headers: RefreshHeaders },
      responses: {
        200: jsonResponse(
          "Refreshed (the instructions, and a fresh bound cookie), or `continue: false` when the session ended.",
          DbscSessionConfigSchema.or(DbscSessionEndedSchema),
        ),
        ...problemResponses("dbsc.unavailable", "dbsc.challenge_required", "dbsc.proof_refused"),
      },
    }),
    async (c) => {
      const origin = originOf(c, ctx);
      const headers = c.req.valid("header");
      const sessionId = headers["sec-secure-session-id"];
      const outcome = await refreshDbscSession(ctx, auditSourceOf(c), {
        sessionId,
        proof: headers["secure-session-response"],
      });
      if (outcome === "ended") {
        return c.json({ session_identifier: sessionId, continue: false as const }, 200);
      }
      setBoundCookie(c, ctx.sessions.cookies, ctx.sessions.dbsc, sessionId);
      return c.json(sessionConfig(origin, sessionId, ctx.sessions.cookies), 200);
    },
  );
  return router;
}
