/**
 * Request and response schemas of the password routes (the only schema source, STYLE 5).
 * @module
 */
import { z } from "@hono/zod-openapi";
import { sessionResponseFields } from "../sessions/schemas.ts";
import { requiresBinding, signInBindingFields } from "../signin/schemas.ts";
import { displayNameField, emailField, withSignUpFields } from "../users/schemas.ts";

const email = emailField;
// Length rules (8–128 code points after NFKC) are the policy's, answered with
// password.too_short / password.too_long; this bound only keeps bodies sane.
const password = z.string().min(1).max(4096);
/** An emailed link's token: 43 base64url characters; a little more is accepted, never arbitrary text. */
export const linkToken = z
  .string()
  .regex(/^[A-Za-z0-9_-]{16,128}$/, "must be a token from the link")
  .openapi({ description: "The token from the emailed link's `#token=` fragment." });

const passwordRegisterShape = {
  email,
  password,
  displayName: displayNameField.optional(),
  ...signInBindingFields,
};

/**
 * The body of `POST /auth/register`: email, password, display name, what to bind, and the
 * app-defined fields a person may set at sign-up; unknown members are refused.
 * @param fields the instance's field shapes
 */
export function passwordRegisterBody(fields: { readonly signUpShape: z.ZodRawShape }) {
  return withSignUpFields(passwordRegisterShape, fields)
    .refine(...requiresBinding)
    .openapi("PasswordRegister");
}

export const PasswordLoginBody = z
  .object({ email, password, ...signInBindingFields })
  .refine(...requiresBinding)
  .openapi("PasswordLogin");

export const PasswordSignedIn = z
  .object({
    userId: z.string(),
    deviceId: z.string().nullable().openapi({
      description:
        "The bound device; null when no device key was sent, or after registration when email verification is required.",
    }),
    ...sessionResponseFields,
  })
  .openapi("PasswordSignedIn");

export const EmailBody = z.object({ email }).openapi("EmailRequest");

export const Accepted = z
  .object({ accepted: z.literal(true) })
  .openapi("Accepted", { description: "The same answer whether or not the account exists." });

export const ResetConfirmBody = z
  .object({ token: linkToken, newPassword: password })
  .openapi("PasswordResetConfirm");

export const TokenBody = z.object({ token: linkToken }).openapi("EmailVerificationConfirm");

export const PasswordStepUpBody = z.object({ password }).openapi("PasswordStepUp");

export const PasswordChangeBody = z
  .object({ currentPassword: password, newPassword: password })
  .openapi("PasswordChange");

export const PasswordChanged = z
  .object({ revokedDevices: z.number().int() })
  .openapi("PasswordChanged");
