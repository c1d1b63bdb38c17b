/**
 * A signed-in user's passkeys: add another, list, rename, revoke (never the last way in). Each
 * change is recorded in the audit log in its transaction (`passkey.added`, `passkey.renamed`,
 * `passkey.revoked`).
 * @module
 */
import type {
  PublicKeyCredentialCreationOptionsJSON,
  RegistrationResponseJSON,
} from "@simplewebauthn/server";
import type { AuditSource } from "../audit/model.ts";
import { recordAudit } from "../audit/service.ts";
import type { KeyshipContext } from "../context.ts";
import { lockUser } from "../db/lock.ts";
import type { PasskeysTable, UsersTable } from "../db/schema.ts";
import { ProblemError } from "../errors.ts";
import { findUserById } from "../users/store.ts";
import { issueChallenge, type StartedCeremony, spendChallenge } from "./challenges.ts";
import { newPasskeyName } from "./provider-names.ts";
import { storeNewPasskey } from "./register.ts";
import {
  countActivePasskeys,
  findPasskeyOfUser,
  listPasskeysOfUser,
  renamePasskey,
  revokePasskey,
} from "./store.ts";
import { creationOptions, verifyRegistration } from "./webauthn.ts";

/** A passkey as the API shows it. */
export interface PasskeyView {
  readonly id: string;
  readonly name: string;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
  readonly backedUp: boolean;
  readonly transports: string[];
  readonly revokedAt: string | null;
}

function toView(row: PasskeysTable): PasskeyView {
  return {
    id: row.id,
    name: row.name,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    backedUp: row.backed_up === 1,
    transports: JSON.parse(row.transports) as string[],
    revokedAt: row.revoked_at,
  };
}

/**
 * Creation options for another passkey of an existing user: `excludeCredentials` lists their
 * active passkeys, so an authenticator that holds one refuses to make a second.
 * @param ctx the database and settings
 * @param user the user's row
 */
export async function creationOptionsFor(
  ctx: Pick<KeyshipContext, "db" | "settings">,
  user: UsersTable,
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const existing = (await listPasskeysOfUser(ctx.db, user.id)).filter((p) => p.revoked_at === null);
  const label = user.email ?? user.display_name ?? "keyship user";
  return creationOptions(
    ctx.settings,
    { id: user.id, name: label, displayName: user.display_name ?? label },
    existing.map((p) => ({
      id: p.credential_id,
      transports: JSON.parse(p.transports) as string[],
    })),
  );
}

/**
 * Starts adding a passkey for a signed-in user; `excludeCredentials` lists their active ones.
 * @throws ProblemError `auth.unauthenticated` when the user no longer exists
 */
export async function startAddPasskey(
  ctx: KeyshipContext,
  userId: string,
): Promise<StartedCeremony<PublicKeyCredentialCreationOptionsJSON>> {
  const user = await findUserById(ctx.db, userId);
  if (user === undefined) throw new ProblemError("auth.unauthenticated");
  const options = await creationOptionsFor(ctx, user);
  // SECURITY: an `add` challenge is bound to the signed-in user.
  const flowId = await issueChallenge(ctx, {
    purpose: "add",
    challenge: options.challenge,
    userId,
    data: {},
  });
  return { flowId, options };
}

/**
 * Finishes adding a passkey. The challenge is spent first, on its own: a finish that fails
 * cannot be retried with another credential.
 * @param source who asked, and from where
 * @throws ProblemError `passkey.challenge_invalid` (also another user's flow),
 *   `passkey.verification_failed`, `passkey.user_verification_required`,
 *   `passkey.already_registered`
 */
export async function finishAddPasskey(
  ctx: KeyshipContext,
  source: AuditSource,
  userId: string,
  input: { flowId: string; credential: RegistrationResponseJSON; name?: string | undefined },
): Promise<{ passkeyId: string }> {
  const challenge = await spendChallenge(ctx.db, ctx, {
    flowId: input.flowId,
    purpose: "add",
    userId,
  });
  const verified = await verifyRegistration(input.credential, challenge.challenge, ctx.settings);
  return ctx.db.transaction().execute(async (trx) => {
    const names = (await listPasskeysOfUser(trx, userId)).map((passkey) => passkey.name);
    const passkeyId = await storeNewPasskey(trx, ctx, source, {
      userId,
      credential: verified,
      name: input.name ?? newPasskeyName(verified.aaguid, names),
    });
    return { passkeyId };
  });
}

/** Lists the user's passkeys, revoked ones included (with `revokedAt`). */
export async function listPasskeys(ctx: KeyshipContext, userId: string): Promise<PasskeyView[]> {
  return (await listPasskeysOfUser(ctx.db, userId)).map(toView);
}

/**
 * Renames one of the user's passkeys (`passkey.renamed`, data `{ name }`).
 * @param source who asked, and from where
 * @throws ProblemError `resource.not_found` when it is not theirs or does not exist
 */
export async function renameUserPasskey(
  ctx: KeyshipContext,
  source: AuditSource,
  userId: string,
  id: string,
  name: string,
): Promise<PasskeyView> {
  return ctx.db.transaction().execute(async (trx) => {
    if ((await renamePasskey(trx, { id, userId, name: name.trim() })) === 0) {
      throw new ProblemError("resource.not_found");
    }
    const renamed = toView((await findPasskeyOfUser(trx, id, userId)) as PasskeysTable);
    await recordAudit(trx, ctx, source, {
      action: "passkey.renamed",
      targetType: "passkey",
      targetId: id,
      data: { name: renamed.name },
    });
    return renamed;
  });
}

/**
 * Revokes one of the user's passkeys, refusing the last way to sign in: the last active passkey
 * of a user without a password. Revoking an already revoked passkey changes nothing (and
 * records nothing); a revocation is recorded as `passkey.revoked`.
 * @param source who asked, and from where
 * @throws ProblemError `resource.not_found`, `passkey.last_passkey`
 */
export async function revokeUserPasskey(
  ctx: KeyshipContext,
  source: AuditSource,
  userId: string,
  id: string,
): Promise<void> {
  const revoked = await ctx.db.transaction().execute(async (trx) => {
    // Serialise concurrent revokes of one user so two of them cannot remove the last two.
    await lockUser(trx, ctx.dialect, userId);
    const passkey = await findPasskeyOfUser(trx, id, userId);
    if (passkey === undefined) throw new ProblemError("resource.not_found");
    if (passkey.revoked_at !== null) return false;
    const user = await findUserById(trx, userId);
    const otherWaysIn =
      (await countActivePasskeys(trx, userId)) - 1 + (user?.password_hash ? 1 : 0);
    if (otherWaysIn < 1) throw new ProblemError("passkey.last_passkey");
    await revokePasskey(trx, { id, userId, nowIso: ctx.now().toISOString() });
    await recordAudit(trx, ctx, source, {
      action: "passkey.revoked",
      targetType: "passkey",
      targetId: id,
      data: { name: passkey.name },
    });
    return true;
  });
  if (revoked) ctx.changes.announce({ kind: "passkey", id, userId });
}
