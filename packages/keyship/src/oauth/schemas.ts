/**
 * Request and response schemas of the OAuth sign-in routes.
 * @module
 */
import { z } from "@hono/zod-openapi";
import { sessionResponseFields } from "../sessions/schemas.ts";
import { requiresBinding, signInBindingFields } from "../signin/schemas.ts";

/** The `{provider}` path parameter. */
export const ProviderParam = z.object({
  provider: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,31}$/)
    .openapi({ param: { name: "provider", in: "path" }, example: "github" }),
});

/** The `{id}` path parameter of a linked account. */
export const AccountIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" } }),
});

const returnTo = z.string().max(2048).optional().openapi({
  description:
    "Where the browser goes afterwards: a path, or a URL on one of KEYSHIP_ORIGIN's origins. Default `/`.",
  example: "/account",
});

/** The query of `GET /oauth/{provider}/start`. */
export const StartQuery = z.object({ returnTo });

/** The body of `POST /oauth/{provider}/link` and `/step-up`. */
export const FlowBody = z.object({ returnTo }).strict().openapi("OAuthFlowStart");

/** The answer of a link or step-up start: the provider URL to visit. */
export const FlowStarted = z
  .object({ url: z.string().openapi({ description: "Send the browser here." }) })
  .openapi("OAuthFlowStarted");

/** The callback's query, as providers send it (RFC 6749 §4.1.2). */
export const CallbackQuery = z.object({
  code: z.string().max(4096).optional(),
  state: z.string().max(512).optional(),
  error: z.string().max(256).optional(),
  error_description: z.string().max(2048).optional(),
  iss: z.string().max(2048).optional(),
});

/** A configured provider, for sign-in buttons. */
export const ProviderSchema = z
  .object({
    id: z.string().openapi({ example: "github" }),
    label: z.string().openapi({ example: "GitHub" }),
    kind: z.enum(["oidc", "oauth2"]),
  })
  .openapi("OAuthProvider");

/** The body of `POST /oauth/exchange`. */
export const ExchangeBody = z
  .object({
    code: z
      .string()
      .min(1)
      .max(128)
      .openapi({ description: "The one-time code of the `#keyship_oauth=` fragment." }),
    ...signInBindingFields,
  })
  .strict()
  .refine(...requiresBinding)
  .openapi("OAuthExchange");

/** The answer of an exchange: like a passkey sign-in's, with the provider. */
export const OAuthSignedIn = z
  .object({
    userId: z.string(),
    provider: z.string(),
    created: z.boolean().openapi({ description: "True when this sign-in created the account." }),
    deviceId: z.string().nullable().openapi({ description: "Null when no device key was sent." }),
    ...sessionResponseFields,
  })
  .openapi("OAuthSignedIn");

/** A linked account. */
export const LinkedAccountSchema = z
  .object({
    id: z.string(),
    provider: z.string(),
    label: z.string(),
    email: z.string().nullable(),
    emailVerified: z.boolean(),
    displayName: z.string().nullable(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
  })
  .openapi("LinkedAccount");
