/**
 * Request and response schemas of the OAuth endpoints and the admin API's client routes (the
 * only schema source, STYLE 5). OAuth parameter names are RFC 6749's (snake_case).
 * @module
 */
import { z } from "@hono/zod-openapi";

/** `client_secret_post`: the client's credentials in the body (else HTTP Basic). */
const clientAuthFields = {
  client_id: z.string().max(64).optional().openapi({
    description: "`client_secret_post` only; with HTTP Basic, omit it (or repeat the same id).",
  }),
  client_secret: z
    .string()
    .max(256)
    .optional()
    .openapi({ description: "`client_secret_post` only; never together with HTTP Basic." }),
};

// RFC 6749 §3.2: unknown parameters are ignored (not strict); a repeated one arrives as a
// list and fails its string schema (invalid_request).
export const TokenRequestSchema = z
  .object({
    grant_type: z.string().max(64).openapi({
      description: "`client_credentials`, or `refresh_token` for clients allowed to refresh.",
    }),
    scope: z.string().max(4096).optional().openapi({
      description: "Space-separated; a subset of the client's scopes. Default: all of them.",
    }),
    refresh_token: z
      .string()
      .max(256)
      .optional()
      .openapi({ description: "`refresh_token` grant: the single-use refresh token." }),
    ...clientAuthFields,
  })
  .openapi("OAuthTokenRequest");

export const TokenResponseSchema = z
  .object({
    access_token: z.string().openapi({ description: "A JWT (`typ: at+jwt`)." }),
    token_type: z.literal("Bearer"),
    expires_in: z.number().int(),
    scope: z.string(),
    refresh_token: z
      .string()
      .optional()
      .openapi({ description: "Clients allowed to refresh: a single-use refresh token." }),
  })
  .openapi("OAuthTokenResponse");

export const TokenParameterSchema = z
  .object({
    token: z.string().max(8192),
    token_type_hint: z
      .string()
      .max(64)
      .optional()
      .openapi({ description: "Accepted and ignored: keyship tells the kinds apart itself." }),
    ...clientAuthFields,
  })
  .openapi("OAuthTokenParameter");

export const IntrospectionSchema = z
  .object({
    active: z.boolean(),
    scope: z.string().optional(),
    client_id: z.string().optional(),
    sub: z.string().optional(),
    exp: z.number().int().optional(),
    iat: z.number().int().optional(),
    iss: z.string().optional(),
    token_type: z.enum(["Bearer", "DPoP", "refresh_token"]).optional(),
    cnf: z
      .object({ jkt: z.string() })
      .optional()
      .openapi({ description: "A DPoP-bound token's key thumbprint (RFC 9449 §6.2)." }),
  })
  .openapi("OAuthIntrospection");

/** RFC 6749 §5.2's error members, beside the problem members keyship always sends. */
export const OAuthErrorSchema = z
  .object({
    error: z.enum([
      "invalid_request",
      "invalid_client",
      "invalid_grant",
      "unauthorized_client",
      "unsupported_grant_type",
      "invalid_scope",
    ]),
    error_description: z.string(),
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string().openapi({ example: "oauth.invalid_client" }),
    trace_id: z.string(),
  })
  .openapi("OAuthError");

export const ClientSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    scopes: z.array(z.string()),
    allowRefresh: z.boolean(),
    createdAt: z.string(),
    secretRotatedAt: z.string().nullable(),
  })
  .openapi("OAuthClient");

export const ClientWithSecretSchema = z
  .object({
    client: ClientSchema,
    clientSecret: z.string().openapi({ description: "Shown this once; only its SHA-256 is kept." }),
  })
  .openapi("OAuthClientWithSecret");

export const NewClientBody = z
  .object({
    name: z.string().min(1).max(64),
    scopes: z.array(z.string().max(128)).max(100),
    allowRefresh: z.boolean().optional(),
  })
  .strict()
  .openapi("OAuthClientCreate");

export const ClientIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" } }),
});
