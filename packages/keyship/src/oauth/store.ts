/**
 * Kysely queries of OAuth sign-in: linked accounts, and the database implementation of
 * {@link OAuthEphemeralStore} (started flows, one-time codes).
 * @module
 */
import type { DB, OAuthAccountsTable, OAuthFlowsTable } from "../db/schema.ts";
import type { CodePayload, FlowPurpose, OAuthEphemeralStore, OAuthFlow } from "./model.ts";

/** The linked account of `provider` and `subject`, if any. */
export async function findOAuthAccount(
  db: DB,
  provider: string,
  subject: string,
): Promise<OAuthAccountsTable | undefined> {
  return db
    .selectFrom("oauth_accounts")
    .selectAll()
    .where("provider", "=", provider)
    .where("subject", "=", subject)
    .executeTakeFirst();
}

/** The accounts linked to `userId`, oldest first. */
export async function listOAuthAccountsOfUser(
  db: DB,
  userId: string,
): Promise<OAuthAccountsTable[]> {
  return db
    .selectFrom("oauth_accounts")
    .selectAll()
    .where("user_id", "=", userId)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
}

/** How many accounts are linked to `userId`. */
export async function countOAuthAccountsOfUser(db: DB, userId: string): Promise<number> {
  const row = await db
    .selectFrom("oauth_accounts")
    .select((eb) => eb.fn.countAll<string | number>().as("n"))
    .where("user_id", "=", userId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Links a provider account (unique per provider and subject). */
export async function insertOAuthAccount(db: DB, row: OAuthAccountsTable): Promise<void> {
  await db.insertInto("oauth_accounts").values(row).execute();
}

/** Records a sign-in through a linked account: what the provider said now, and when. */
export async function touchOAuthAccount(
  db: DB,
  id: string,
  fields: {
    email: string | null;
    emailVerified: boolean;
    displayName: string | null;
    nowIso: string;
  },
): Promise<void> {
  await db
    .updateTable("oauth_accounts")
    .set({
      email: fields.email,
      email_verified: fields.emailVerified ? 1 : 0,
      display_name: fields.displayName,
      last_used_at: fields.nowIso,
    })
    .where("id", "=", id)
    .execute();
}

/** Deletes the linked account `id` of `userId`; true when a row went. */
export async function deleteOAuthAccount(db: DB, userId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom("oauth_accounts")
    .where("id", "=", id)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

function flowOf(row: OAuthFlowsTable): OAuthFlow {
  return {
    id: row.id,
    provider: row.provider,
    purpose: row.purpose as FlowPurpose,
    codeVerifier: row.code_verifier,
    nonce: row.nonce,
    returnTo: row.return_to,
    userId: row.user_id,
    subjectId: row.subject_id,
    startedAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

/** How often expired flows and codes are swept, at most (per database handle). */
const SWEEP_INTERVAL_MS = 60_000;
const lastSweep = new WeakMap<object, number>();

async function sweep(db: DB, nowIso: string): Promise<void> {
  const now = Date.parse(nowIso);
  if (now - (lastSweep.get(db) ?? Number.NEGATIVE_INFINITY) < SWEEP_INTERVAL_MS) return;
  lastSweep.set(db, now);
  await db.deleteFrom("oauth_flows").where("expires_at", "<=", nowIso).execute();
  await db.deleteFrom("oauth_codes").where("expires_at", "<=", nowIso).execute();
}

/**
 * Flows and codes in the database (`oauth_flows`, `oauth_codes`). A take is one conditional
 * update (`… WHERE consumed_at IS NULL AND expires_at > now`), so it happens once; expired rows
 * are swept at most once a minute when new ones are saved.
 * @param db the instance's database
 */
export function databaseEphemeralStore(db: DB): OAuthEphemeralStore {
  return {
    async saveFlow(flow, nowIso) {
      await sweep(db, nowIso);
      await db
        .insertInto("oauth_flows")
        .values({
          id: flow.id,
          provider: flow.provider,
          purpose: flow.purpose,
          code_verifier: flow.codeVerifier,
          nonce: flow.nonce,
          return_to: flow.returnTo,
          user_id: flow.userId,
          subject_id: flow.subjectId,
          created_at: flow.startedAt,
          expires_at: flow.expiresAt,
          consumed_at: null,
        })
        .execute();
    },
    async takeFlow(id, nowIso) {
      const row = await db
        .updateTable("oauth_flows")
        .set({ consumed_at: nowIso })
        .where("id", "=", id)
        .where("consumed_at", "is", null)
        .where("expires_at", ">", nowIso)
        .returningAll()
        .executeTakeFirst();
      return row === undefined ? undefined : flowOf(row);
    },
    async saveCode(codeHash, payload, times) {
      await sweep(db, times.nowIso);
      await db
        .insertInto("oauth_codes")
        .values({
          id: codeHash,
          payload: JSON.stringify(payload),
          created_at: times.nowIso,
          expires_at: times.expiresAt,
          consumed_at: null,
        })
        .execute();
    },
    async takeCode(codeHash, nowIso) {
      const row = await db
        .updateTable("oauth_codes")
        .set({ consumed_at: nowIso })
        .where("id", "=", codeHash)
        .where("consumed_at", "is", null)
        .where("expires_at", ">", nowIso)
        .returning("payload")
        .executeTakeFirst();
      return row === undefined ? undefined : (JSON.parse(row.payload) as CodePayload);
    },
  };
}
