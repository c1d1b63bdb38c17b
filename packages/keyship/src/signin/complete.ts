/**
 * The common end of every sign-in (passkey, password, later OAuth): bind what the client asked
 * for to the user, inside the sign-in's transaction — a device key, a server-issued session,
 * or both — and record it in the audit log in the same transaction.
 * @module
 */
import type { AuditSource } from "../audit/model.ts";
import { recordAudit } from "../audit/service.ts";
import type { KeyshipContext } from "../context.ts";
import type { DB } from "../db/schema.ts";
import type { DevicePublicJwk } from "../devices/jwk.ts";
import { bindDevice } from "../devices/service.ts";
import { type IssuedSession, type SessionMode, startSession } from "../sessions/issue.ts";

/**
 * What the client asked a sign-in to bind: at least one of `devicePublicKey` and `session`,
 * which every finish body's schema enforces (`requiresBinding` in `signin/schemas.ts`).
 */
export interface SignInBinding {
  /** The browser's device key: binds a device (device-signed tokens). */
  readonly devicePublicKey?: DevicePublicJwk | undefined;
  readonly deviceLabel?: string | undefined;
  /** Ask for a server-issued session: `bearer` tokens in the body, or `cookie`s. */
  readonly session?: SessionMode | undefined;
  readonly userAgent?: string | undefined;
  readonly ip?: string | undefined;
  /** The key of the request's DPoP proof: a bearer session is bound to it. */
  readonly dpopJkt?: string | undefined;
}

/** What a completed sign-in bound. */
export interface CompletedSignIn {
  /** The new device, or null when no device key was sent. */
  readonly deviceId: string | null;
  /** The new session, when one was asked for; answer it with `respondSignedIn()`. */
  readonly session?: IssuedSession | undefined;
  /** Devices revoked past `maxDevicesPerUser`: {@link announceEvictions} after the commit. */
  readonly evictedDeviceIds?: readonly string[];
}

/** How a user signed up or in, as the audit events' `data.method` says. */
export type SignInMethod = "passkey" | "password" | "oauth";

/**
 * Binds the client's device key and/or starts a session for `userId` inside the caller's
 * transaction; a bound device is recorded as `device.bound` (and devices revoked past
 * `maxDevicesPerUser` as `device.revoked`).
 * @param trx the sign-in's transaction
 * @param ctx clock, id generator, settings and the session runtime
 * @param source where the sign-in came from (the user becomes the actor)
 * @param userId the signed-in user
 * @param binding the device key and its label, and the session mode
 */
export async function completeSignIn(
  trx: DB,
  ctx: Pick<KeyshipContext, "now" | "newId" | "settings" | "sessions">,
  source: AuditSource,
  userId: string,
  binding: SignInBinding,
): Promise<CompletedSignIn> {
  const bound =
    binding.devicePublicKey === undefined
      ? undefined
      : await bindDevice(trx, ctx, source, {
          userId,
          publicJwk: binding.devicePublicKey,
          label: binding.deviceLabel,
          userAgent: binding.userAgent,
        });
  // Only a sign-in past the device limit evicts; a new user never does.
  const device =
    bound === undefined
      ? { deviceId: null }
      : bound.evicted.length === 0
        ? { deviceId: bound.deviceId }
        : { deviceId: bound.deviceId, evictedDeviceIds: bound.evicted };
  if (binding.session === undefined) return device;
  const session = await startSession(trx, ctx, {
    userId,
    mode: binding.session,
    client: { ip: binding.ip, userAgent: binding.userAgent, dpopJkt: binding.dpopJkt },
  });
  return { ...device, session };
}

/**
 * Announces the devices a sign-in revoked past `maxDevicesPerUser`, once its transaction
 * committed, so every process refuses their tokens.
 * @param ctx the change feed
 * @param completed what the sign-in bound
 * @returns `completed` without the evicted ids (they are not the client's business)
 */
export function announceEvictions<T extends CompletedSignIn>(
  ctx: Pick<KeyshipContext, "changes">,
  completed: T,
): Omit<T, "evictedDeviceIds"> {
  const { evictedDeviceIds, ...rest } = completed;
  for (const id of evictedDeviceIds ?? []) ctx.changes.announce({ kind: "device", id });
  return rest;
}

/**
 * Records a sign-up or a finished sign-in (`user.signed_up`, `user.signed_in`) inside its
 * transaction, with the user as actor and target, and the method and what the sign-in bound
 * (`deviceId`, `sessionId`) as data.
 * @param trx the sign-in's transaction
 * @param ctx the clock and id generator
 * @param source where the sign-in came from
 * @param event the action, the method, the user and what {@link completeSignIn} bound
 */
export async function recordSignIn(
  trx: DB,
  ctx: Pick<KeyshipContext, "now" | "newId">,
  source: AuditSource,
  event: {
    readonly action: "user.signed_up" | "user.signed_in";
    readonly method: SignInMethod;
    readonly userId: string;
    readonly bound?: CompletedSignIn | undefined;
  },
): Promise<void> {
  const deviceId = event.bound?.deviceId ?? null;
  const session = event.bound?.session;
  await recordAudit(trx, ctx, source, {
    action: event.action,
    actorId: event.userId,
    targetType: "user",
    targetId: event.userId,
    data: {
      method: event.method,
      ...(deviceId === null ? {} : { deviceId }),
      ...(session === undefined ? {} : { sessionId: session.sessionId }),
    },
  });
}
