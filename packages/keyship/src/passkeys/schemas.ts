/**
 * Request and response schemas of the passkey routes (the only schema source, STYLE 5).
 * @module
 */
import { z } from "@hono/zod-openapi";
import { sessionResponseFields } from "../sessions/schemas.ts";
import { requiresBinding, signInBindingFields } from "../signin/schemas.ts";
import { displayNameField, emailField, nameField, withSignUpFields } from "../users/schemas.ts";

// SECURITY: credential ids are at most 1023 bytes (1364 base64url characters).
const credentialId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,1364}$/, "must be base64url, at most 1023 bytes");
const b64url = (max: number) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]*$/, "must be base64url")
    .max(max);
const flowId = z
  .string()
  .min(1)
  .max(64)
  .openapi({ description: "The ceremony id returned by the start step." });

const transports = z
  .array(z.enum(["ble", "cable", "hybrid", "internal", "nfc", "smart-card", "usb"]))
  .max(10);

/** The members every PublicKeyCredential JSON shares; `response` differs per ceremony. */
function credentialJson<R extends z.ZodRawShape>(response: R) {
  return z.object({
    id: credentialId,
    rawId: credentialId,
    type: z.literal("public-key"),
    response: z.object(response),
    authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
    clientExtensionResults: z.record(z.string(), z.unknown()),
  });
}

/** A RegistrationResponseJSON as `@simplewebauthn/browser` produces it. */
export const RegistrationCredentialSchema = credentialJson({
  clientDataJSON: b64url(16_384),
  attestationObject: b64url(65_536),
  authenticatorData: b64url(65_536).optional(),
  transports: transports.optional(),
  publicKeyAlgorithm: z.number().int().optional(),
  publicKey: b64url(16_384).optional(),
}).openapi("RegistrationCredential");

/** An AuthenticationResponseJSON as `@simplewebauthn/browser` produces it. */
export const AuthenticationCredentialSchema = credentialJson({
  clientDataJSON: b64url(16_384),
  authenticatorData: b64url(65_536),
  signature: b64url(16_384),
  userHandle: b64url(1_024).optional(),
}).openapi("AuthenticationCredential");

const registerStartShape = {
  email: emailField.optional(),
  displayName: displayNameField.optional(),
};

/**
 * The body of `POST /auth/passkey/register/start`: email, display name and the app-defined
 * fields a person may set at sign-up; unknown members are refused.
 * @param fields the instance's field shapes
 */
export function registerStartBody(fields: { readonly signUpShape: z.ZodRawShape }) {
  return withSignUpFields(registerStartShape, fields).openapi("PasskeyRegisterStart");
}

/** `{}`: sign-in and add ceremonies take no input. */
export const EmptyBody = z.object({}).strict().openapi("Empty");

export const CeremonyStarted = z
  .object({
    flowId: z.string(),
    options: z.record(z.string(), z.unknown()).openapi({
      description:
        "WebAuthn options JSON for @simplewebauthn/browser (startRegistration / startAuthentication).",
    }),
  })
  .openapi("CeremonyStarted");

export const RegisterFinishBody = z
  .object({
    flowId,
    credential: RegistrationCredentialSchema,
    ...signInBindingFields,
  })
  .refine(...requiresBinding)
  .openapi("PasskeyRegisterFinish");

export const LoginFinishBody = z
  .object({
    flowId,
    credential: AuthenticationCredentialSchema,
    ...signInBindingFields,
  })
  .refine(...requiresBinding)
  .openapi("PasskeyLoginFinish");

export const StepUpFinishBody = z
  .object({ flowId, credential: AuthenticationCredentialSchema })
  .openapi("StepUpFinish");

export const AddFinishBody = z
  .object({
    flowId,
    credential: RegistrationCredentialSchema,
    name: nameField(64).optional(),
  })
  .openapi("PasskeyAddFinish");

export const SignedIn = z
  .object({
    userId: z.string(),
    passkeyId: z.string(),
    deviceId: z.string().nullable().openapi({ description: "Null when no device key was sent." }),
    ...sessionResponseFields,
  })
  .openapi("SignedIn");

export const PasskeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    backedUp: z.boolean(),
    transports: z.array(z.string()),
    revokedAt: z.string().nullable(),
  })
  .openapi("Passkey");

export const PasskeyIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "id", in: "path" } }),
});

export const RenameBody = z.object({ name: nameField(64) }).openapi("PasskeyRename");
