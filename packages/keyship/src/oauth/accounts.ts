/**
 * Linked accounts of a signed-in user: listing, linking (the callback of a flow started by
 * `POST /oauth/{provider}/link`), unlinking (never the last way to sign in), and the step-up of
 * an account that signs in through a provider only.
 * @module
 */
import type { z } from "zod";
import type { AuditSource } from "../audit/model.ts";
import { recordAudit } from "../audit/service.ts";
import type { Principal } from "../auth/principal.ts";
import { isUniqueViolation } from "../db/errors.ts";
import type { DB, OAuthAccountsTable } from "../db/schema.ts";
import { ProblemError } from "../errors.ts";
import { ID_PREFIX } from "../ids.ts";
import { countActivePasskeys } from "../passkeys/store.ts";
import { auditStepUp, isSteppedUp, markSteppedUp, stepUpRequired } from "../stepup/service.ts";
import { findUserById } from "../users/store.ts";
import type { OAuthContext } from "./context.ts";
import type { OAuthFlow, ProviderIdentity } from "./model.ts";
import type { LinkedAccountSchema } from "./schemas.ts";
import {
  countOAuthAccountsOfUser,
  deleteOAuthAccount,
  findOAuthAccount,
  insertOAuthAccount,
  listOAuthAccountsOfUser,
} from "./store.ts";

/** A linked account as `GET /auth/accounts` answers it (its schema is the one source). */
export type LinkedAccount = z.infer<typeof LinkedAccountSchema>;

function toLinkedAccount(ctx: OAuthContext, row: OAuthAccountsTable): LinkedAccount {
  return {
    id: row.id,
    provider: row.provider,
    label: ctx.providers.get(row.provider)?.spec.label ?? row.provider,
    email: row.email,
    emailVerified: row.email_verified === 1,
    displayName: row.display_name,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
  };
}

/** The signed-in user's linked accounts, oldest first. */
export async function listAccounts(ctx: OAuthContext, userId: string): Promise<LinkedAccount[]> {
  return (await listOAuthAccountsOfUser(ctx.db, userId)).map((row) => toLinkedAccount(ctx, row));
}

/**
 * Inserts the link of `identity` at `provider` to `userId` inside `trx` and records
 * `oauth.linked`.
 * @throws ProblemError `oauth.already_linked` when a concurrent link won the unique index
 */
export async function insertLink(
  trx: DB,
  ctx: Pick<OAuthContext, "now" | "newId">,
  source: AuditSource,
  link: { userId: string; provider: string; identity: ProviderIdentity; automatic: boolean },
): Promise<string> {
  const nowIso = ctx.now().toISOString();
  const id = ctx.newId("oauthAccount");
  try {
    await insertOAuthAccount(trx, {
      id,
      user_id: link.userId,
      provider: link.provider,
      subject: link.identity.subject,
      email: link.identity.email,
      email_verified: link.identity.emailVerified ? 1 : 0,
      display_name: link.identity.displayName,
      created_at: nowIso,
      last_used_at: null,
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new ProblemError("oauth.already_linked", { cause: error });
    throw error;
  }
  await recordAudit(trx, ctx, source, {
    action: "oauth.linked",
    actorId: link.userId,
    targetType: "user",
    targetId: link.userId,
    data: { provider: link.provider, accountId: id, automatic: link.automatic },
  });
  return id;
}

/**
 * Links the identity a link flow proved to the flow's user. Linking an account that is
 * already this user's changes nothing.
 * @throws ProblemError `oauth.already_linked` (another user's), `auth.forbidden` (the user is
 *   gone or disabled)
 */
export async function linkIdentity(
  ctx: OAuthContext,
  source: AuditSource,
  input: { flow: OAuthFlow; identity: ProviderIdentity },
): Promise<void> {
  const userId = input.flow.userId as string;
  await ctx.db.transaction().execute(async (trx) => {
    const user = await findUserById(trx, userId);
    if (user === undefined || user.disabled_at !== null) throw new ProblemError("auth.forbidden");
    const existing = await findOAuthAccount(trx, input.flow.provider, input.identity.subject);
    if (existing?.user_id === userId) return;
    if (existing !== undefined) throw new ProblemError("oauth.already_linked");
    await insertLink(
      trx,
      ctx,
      { ...source, actorId: userId },
      {
        userId,
        provider: input.flow.provider,
        identity: input.identity,
        automatic: false,
      },
    );
  });
}

/** The principal a step-up flow marks: the device or session that started it. */
function stepUpSubject(flow: OAuthFlow): Principal {
  const subjectId = flow.subjectId as string;
  const isDevice = subjectId.startsWith(ID_PREFIX.device);
  return {
    userId: flow.userId as string,
    role: "user",
    scopes: [],
    via: isDevice ? "device" : "session",
    ...(isDevice ? { deviceId: subjectId } : { sessionId: subjectId }),
  };
}

/**
 * Marks the device or session that started a step-up flow as stepped up, when the provider
 * account that signed in is linked to that user. Recorded as `stepup.succeeded` (method
 * `oauth`), or `stepup.failed`.
 * @throws ProblemError `auth.invalid_credentials` when the provider account is not this user's
 */
export async function stepUpWithIdentity(
  ctx: OAuthContext,
  source: AuditSource,
  input: { flow: OAuthFlow; identity: ProviderIdentity },
): Promise<void> {
  const step = { principal: stepUpSubject(input.flow), method: "oauth" } as const;
  const asUser = { ...source, actorId: step.principal.userId };
  await auditStepUp(ctx, asUser, step, async () => {
    const account = await findOAuthAccount(ctx.db, input.flow.provider, input.identity.subject);
    if (account?.user_id !== step.principal.userId) {
      throw new ProblemError("auth.invalid_credentials");
    }
    await ctx.db.transaction().execute((trx) => markSteppedUp(trx, ctx, asUser, step));
  });
}

/** How many ways `userId` can sign in: active passkeys, a password, linked accounts. */
async function signInMethods(trx: DB, userId: string): Promise<number> {
  const user = await findUserById(trx, userId);
  const password = user?.password_hash === null || user === undefined ? 0 : 1;
  return (
    (await countActivePasskeys(trx, userId)) +
    password +
    (await countOAuthAccountsOfUser(trx, userId))
  );
}

/**
 * Unlinks the caller's account `accountId`. The last way to sign in is refused first, before
 * any step-up is asked for (a step-up could not make it allowed); then a live step-up is
 * required. Recorded as `oauth.unlinked` in the same transaction.
 * @throws ProblemError `resource.not_found` (unknown or another user's),
 *   `oauth.last_sign_in_method`, `auth.forbidden` (an impersonation session),
 *   `auth.step_up_required`
 */
export async function unlinkAccount(
  ctx: OAuthContext,
  source: AuditSource,
  principal: Principal,
  accountId: string,
): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const accounts = await listOAuthAccountsOfUser(trx, principal.userId);
    const account = accounts.find((a) => a.id === accountId);
    if (account === undefined) throw new ProblemError("resource.not_found");
    if ((await signInMethods(trx, principal.userId)) <= 1) {
      throw new ProblemError("oauth.last_sign_in_method");
    }
    // An admin acting as the user cannot prove to be them (as the step-up guard).
    if (principal.impersonatorId !== undefined) throw new ProblemError("auth.forbidden");
    if (!(await isSteppedUp({ db: trx, now: ctx.now }, principal))) {
      throw stepUpRequired(ctx.settings.stepUpMaxAgeSeconds);
    }
    await deleteOAuthAccount(trx, principal.userId, accountId);
    await recordAudit(trx, ctx, source, {
      action: "oauth.unlinked",
      targetType: "user",
      targetId: principal.userId,
      data: { provider: account.provider, accountId },
    });
  });
  // External tokens that acted as this user through the link (KEYSHIP_TRUST_<NAME>_USERS) are
  // cached until their `exp`: drop them, here and in every other process.
  if (Object.values(ctx.settings.trust).some((trusted) => trusted.users !== "none")) {
    ctx.changes.announce({ kind: "user", id: principal.userId });
  }
}
