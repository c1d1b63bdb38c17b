/**
 * Request and response schemas of the session routes, and the session fields every sign-in
 * finish shares (the only schema source, STYLE 5).
 * @module
 */
import { z } from "@hono/zod-openapi";

/** `session` in a sign-in finish body: ask for a server-issued session. */
export const SessionModeSchema = z.enum(["cookie", "bearer"]).openapi({
  description:
    "Ask for a server-issued session: `bearer` returns the tokens in the body, `cookie` sets HttpOnly cookies.",
});

/** The response fields of a session, merged into every sign-in finish response. */
export const sessionResponseFields = {
  sessionId: z
    .string()
    .optional()
    .openapi({ description: "The session id (stable across refreshes)." }),
  accessToken: z
    .string()
    .optional()
    .openapi({ description: "Bearer mode: the access token (JWT)." }),
  refreshToken: z
    .string()
    .optional()
    .openapi({ description: "Bearer mode: the single-use refresh token." }),
  tokenType: z.enum(["Bearer", "DPoP"]).optional().openapi({
    description:
      "`DPoP` when the request carried a `DPoP` proof (RFC 9449): the access token is bound to its key (`cnf.jkt`) and is sent as `Authorization: DPoP <token>` with a proof; its refresh token needs a proof of the same key.",
  }),
  expiresIn: z
    .number()
    .int()
    .optional()
    .openapi({ description: "Seconds the access token lives." }),
  csrfToken: z
    .string()
    .optional()
    .openapi({ description: "Cookie mode: send it as X-CSRF-Token when no Origin is sent." }),
};

/** The answer of a refresh. */
export const SessionTokens = z.object(sessionResponseFields).openapi("SessionTokens");

export const RefreshBody = z
  .object({
    refreshToken: z
      .string()
      .max(128)
      .optional()
      .openapi({ description: "Bearer mode. Omit it in cookie mode: the refresh cookie is used." }),
  })
  .strict()
  .openapi("TokenRefresh");

export const SessionSchema = z
  .object({
    id: z.string(),
    ip: z.string(),
    userAgent: z.string(),
    refreshedAt: z.string(),
    expiresAt: z.string(),
    current: z.boolean(),
  })
  .openapi("Session");

export const SessionIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" } }),
});

export const JwksSchema = z
  .object({ keys: z.array(z.record(z.string(), z.unknown())) })
  .openapi("JsonWebKeySet");
