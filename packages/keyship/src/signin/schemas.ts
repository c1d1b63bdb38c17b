/**
 * The request fields every sign-in finish shares (passkey, password, later OAuth): what to bind.
 * @module
 */
import { DevicePublicJwkSchema } from "../devices/jwk.ts";
import { SessionModeSchema } from "../sessions/schemas.ts";
import { nameField } from "../users/schemas.ts";

/** `devicePublicKey`, `deviceLabel` and `session`: spread into a finish body's object shape. */
export const signInBindingFields = {
  devicePublicKey: DevicePublicJwkSchema.optional(),
  deviceLabel: nameField(100)
    .optional()
    .openapi({ description: "A name for this browser, e.g. 'Work laptop'." }),
  session: SessionModeSchema.optional(),
};

/**
 * Refines a finish body so it binds a device key, starts a session, or both; never neither.
 * @example z.object({ flowId, ...signInBindingFields }).refine(...requiresBinding)
 */
export const requiresBinding: [
  (body: { devicePublicKey?: unknown; session?: unknown }) => boolean,
  { message: string; path: string[] },
] = [
  (body) => body.devicePublicKey !== undefined || body.session !== undefined,
  { message: "send devicePublicKey, session, or both", path: ["devicePublicKey"] },
];
