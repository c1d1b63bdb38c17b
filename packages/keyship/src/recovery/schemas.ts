/**
 * Request and response schemas of the recovery routes (the only schema source, STYLE 5).
 * @module
 */
import { z } from "@hono/zod-openapi";
import { linkToken } from "../passwords/schemas.ts";
import { emailField } from "../users/schemas.ts";

export const RecoveryCodesCreated = z
  .object({
    codes: z.array(z.string()).openapi({
      description: "Ten single-use codes, `xxxx-xxxx-xxxx-xxxx`. Shown once: keep them safe.",
    }),
    createdAt: z.string(),
  })
  .openapi("RecoveryCodesCreated");

export const RecoveryCodesLeft = z
  .object({
    remaining: z.number().int(),
    createdAt: z.string().nullable().openapi({ description: "Null when no codes were created." }),
  })
  .openapi("RecoveryCodesLeft");

const code = z
  .string()
  .min(1)
  .max(64)
  .openapi({ description: "One recovery code; case, spaces and dashes do not matter." });

export const RecoveryStartBody = z
  .union([
    z.object({ email: emailField, code }).strict(),
    z
      .object({ token: linkToken })
      .strict()
      .openapi({ description: "The emailed recovery link's token (when enabled)." }),
  ])
  .openapi("RecoveryStart");
