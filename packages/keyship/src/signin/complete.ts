/**
 * The common end of every sign-in (passkey, password, later OAuth): bind what the client asked
 * for to the user, inside the sign-in's transaction.
 * @module
 */
import type { KeyshipContext } from "../context.ts";
import type { DB } from "../db/schema.ts";
import type { DevicePublicJwk } from "../devices/jwk.ts";
import { bindDevice } from "../devices/service.ts";

/** What the client asked a sign-in to bind. */
export interface SignInBinding {
  readonly devicePublicKey: DevicePublicJwk;
  readonly deviceLabel?: string | undefined;
  readonly userAgent?: string | undefined;
}

/** What a completed sign-in bound. */
export interface CompletedSignIn {
  readonly deviceId: string;
}

/**
 * Binds the client's device key to `userId` inside the caller's transaction.
 * @param trx the sign-in's transaction
 * @param ctx clock and id generator
 * @param userId the signed-in user
 * @param binding the device key and its label
 */
export async function completeSignIn(
  trx: DB,
  ctx: Pick<KeyshipContext, "now" | "newId">,
  userId: string,
  binding: SignInBinding,
): Promise<CompletedSignIn> {
  const deviceId = await bindDevice(trx, ctx, {
    userId,
    publicJwk: binding.devicePublicKey,
    label: binding.deviceLabel,
    userAgent: binding.userAgent,
  });
  return { deviceId };
}
