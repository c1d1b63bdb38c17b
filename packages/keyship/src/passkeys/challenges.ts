/**
 * Ceremony challenges: stored server-side with a TTL, bound to a purpose (and, for `add`, to
 * the signed-in user), consumed atomically on first use.
 * @module
 */
import type { DB, WebauthnChallengesTable } from "../db/schema.ts";

/** What a ceremony is for. */
export type CeremonyPurpose = "register" | "login" | "add";

/** Stores a new challenge. */
export async function insertChallenge(db: DB, row: WebauthnChallengesTable): Promise<void> {
  await db.insertInto("webauthn_challenges").values(row).execute();
}

/**
 * Marks the challenge consumed and returns it, in one conditional UPDATE: of two concurrent
 * finishes with one flowId exactly one gets the row. Unknown, expired, already used, wrong
 * purpose or (for `add`) another user's challenge all give undefined.
 */
export async function consumeChallenge(
  db: DB,
  args: { id: string; purpose: CeremonyPurpose; userId: string | null; nowIso: string },
): Promise<WebauthnChallengesTable | undefined> {
  let query = db
    .updateTable("webauthn_challenges")
    .set({ consumed_at: args.nowIso })
    .where("id", "=", args.id)
    .where("purpose", "=", args.purpose)
    .where("consumed_at", "is", null)
    .where("expires_at", ">", args.nowIso);
  query =
    args.userId === null
      ? query.where("user_id", "is", null)
      : query.where("user_id", "=", args.userId);
  return query
    .returning([
      "id",
      "purpose",
      "challenge",
      "user_id",
      "data",
      "created_at",
      "expires_at",
      "consumed_at",
    ])
    .executeTakeFirst();
}

/** Deletes challenges that expired before `beforeIso`. @returns how many */
export async function deleteExpiredChallenges(db: DB, beforeIso: string): Promise<number> {
  const result = await db
    .deleteFrom("webauthn_challenges")
    .where("expires_at", "<", beforeIso)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
