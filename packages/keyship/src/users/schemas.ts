/**
 * The text fields people type (emails, display names, passkey and device names), defined once
 * for every schema that takes them: trimmed, bounded, and free of control and bidirectional
 * override characters, which could hide text or reorder it in an admin's or user's list.
 * @module
 */
import { z } from "@hono/zod-openapi";

/** C0 and C1 controls, DEL, and the bidi embedding, override and isolate characters. */
const INVISIBLE_OR_CONTROL = /[\p{Cc}\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;
const noControl = (value: string) => !INVISIBLE_OR_CONTROL.test(value);
const noControlMessage = "must not contain control or text-direction characters";

/**
 * A human-readable name of at most `max` characters, trimmed, at least one character.
 * @param max the longest accepted name
 */
export function nameField(max: number) {
  return z.string().trim().min(1).max(max).refine(noControl, noControlMessage);
}

/** An email address as typed: trimmed, at most 254 characters, valid, no control characters. */
export const emailField = z
  .string()
  .trim()
  .max(254)
  .refine(noControl, noControlMessage)
  .pipe(z.email());

/** A display name: 1–100 characters. */
export const displayNameField = nameField(100);

/** The members of `GET /auth/me` besides the app-defined fields. */
const meShape = {
  id: z.string(),
  email: z.string().nullable(),
  displayName: z.string().nullable(),
  role: z.enum(["user", "admin"]),
  scopes: z.array(z.string()),
  deviceId: z.string().nullable(),
  impersonatorId: z.string().nullable().openapi({
    description: "Set on an impersonation session: the admin acting as this user.",
  }),
};

const BaseMe = z.object(meShape);
const BaseMePatch = z
  .object({
    displayName: displayNameField
      .nullable()
      .optional()
      .openapi({ description: "The new display name; null removes it." }),
  })
  .strict();

/**
 * The answer of `GET` and `PATCH /auth/me`: keyship's members and the app-defined fields
 * (`fields.viewShape`, every one optional), so the OpenAPI document shows the app's fields.
 * @param fields the instance's field shapes
 */
export function meSchema(fields: { readonly viewShape: z.ZodRawShape }): typeof BaseMe {
  return z.object({ ...fields.viewShape, ...meShape }).openapi("Me") as unknown as typeof BaseMe;
}

/**
 * The body of `PATCH /auth/me`: `displayName` and the fields a user may set, each optional;
 * unknown members are refused.
 * @param fields the instance's field shapes
 */
export function mePatchBody(fields: {
  readonly selfPatchShape: z.ZodRawShape;
}): typeof BaseMePatch {
  return z
    .object({ ...fields.selfPatchShape, displayName: BaseMePatch.shape.displayName })
    .strict()
    .openapi("MePatch") as unknown as typeof BaseMePatch;
}

/**
 * A sign-up body's schema with the fields a person may set at sign-up merged in (flat, beside
 * keyship's members) and unknown members refused.
 * @param base the route's own members
 * @param fields the instance's field shapes
 */
export function withSignUpFields<T extends z.ZodRawShape>(
  base: T,
  fields: { readonly signUpShape: z.ZodRawShape },
): z.ZodObject<T> {
  return z.object({ ...fields.signUpShape, ...base }).strict() as unknown as z.ZodObject<T>;
}
