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
