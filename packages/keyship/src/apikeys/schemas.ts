/**
 * Request and response schemas of the API-key routes (the only schema source, STYLE 5).
 * @module
 */
import { z } from "@hono/zod-openapi";
import { SCOPE_PATTERN } from "../users/model.ts";
import { nameField } from "../users/schemas.ts";
import { MAX_ROLL_OVERLAP_SECONDS } from "./model.ts";

/** The longest lifetime a key can be given at creation, in days (ten years). */
export const MAX_API_KEY_DAYS = 3650;

export const CreateApiKeyBody = z
  .object({
    name: nameField(100).openapi({ example: "CI deploys" }),
    scopes: z
      .array(z.string().regex(SCOPE_PATTERN, "a scope like billing:refund"))
      .max(100)
      .default([])
      .openapi({
        description:
          "What the key may do: each one must be a scope you hold now. Absent or []: no scopes.",
        example: ["reports:read"],
      }),
    expiresInDays: z.number().int().min(1).max(MAX_API_KEY_DAYS).optional().openapi({
      description: "Days until the key stops working. Absent: it never expires.",
    }),
  })
  .strict()
  .openapi("ApiKeyCreate");

export const RollApiKeyBody = z
  .object({
    previousValidForSeconds: z
      .number()
      .int()
      .min(0)
      .max(MAX_ROLL_OVERLAP_SECONDS)
      .default(0)
      .openapi({
        description:
          "How long the replaced secret keeps working, at most 7 days (604800). 0: it stops now.",
        example: 86_400,
      }),
  })
  .strict()
  .openapi("ApiKeyRoll");

export const ApiKeyIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" } }),
});

const apiKeyFields = {
  id: z.string().openapi({ example: "a3k9…" }),
  name: z.string(),
  prefix: z.string().openapi({
    description: "The key's first 12 characters, to tell keys apart.",
    example: "ksk_3kTm9QbX",
  }),
  scopes: z.array(z.string()),
  createdAt: z.string(),
  lastUsedAt: z
    .string()
    .nullable()
    .openapi({ description: "Recorded in batches: up to a minute behind." }),
  expiresAt: z.string().nullable(),
};

export const ApiKeySchema = z.object(apiKeyFields).openapi("ApiKey");

const secretField = z.string().openapi({
  description: "The key itself. Shown only in this answer: keyship stores its SHA-256 alone.",
  example: "ksk_3kTm9QbX…",
});

export const CreatedApiKeySchema = z
  .object({ ...apiKeyFields, key: secretField })
  .openapi("CreatedApiKey");

export const RolledApiKeySchema = z
  .object({
    ...apiKeyFields,
    key: secretField,
    previousValidUntil: z
      .string()
      .nullable()
      .openapi({ description: "Until when the replaced secret works; null: it stopped." }),
  })
  .openapi("RolledApiKey");
