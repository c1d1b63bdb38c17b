/**
 * Request and response schemas of the email-change routes (the only schema source, STYLE 5).
 * @module
 */
import { z } from "@hono/zod-openapi";
import { linkToken } from "../passwords/schemas.ts";
import { emailField } from "../users/schemas.ts";

export const EmailChangeBody = z.object({ newEmail: emailField }).openapi("EmailChange");

export const EmailChangeConfirmBody = z.object({ token: linkToken }).openapi("EmailChangeConfirm");

export const EmailChanged = z
  .object({ email: z.string().openapi({ description: "The new address, now verified." }) })
  .openapi("EmailChanged");
