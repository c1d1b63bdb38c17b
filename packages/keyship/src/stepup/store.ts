/**
 * Step-up marks: one row per device or session, replaced by each new step-up.
 * @module
 */
import type { DB } from "../db/schema.ts";

/** Marks `subjectId` (a device or session id) as stepped up until `untilIso`. */
export async function saveStepUp(
  db: DB,
  row: { subjectId: string; userId: string; untilIso: string; nowIso: string },
): Promise<void> {
  await db
    .insertInto("step_ups")
    .values({
      subject_id: row.subjectId,
      user_id: row.userId,
      until: row.untilIso,
      created_at: row.nowIso,
    })
    .onConflict((oc) =>
      oc
        .column("subject_id")
        .doUpdateSet({ user_id: row.userId, until: row.untilIso, created_at: row.nowIso }),
    )
    .execute();
}

/** Until when `subjectId` of `userId` is stepped up, if it is still after `nowIso`. */
export async function findLiveStepUp(
  db: DB,
  args: { subjectId: string; userId: string; nowIso: string },
): Promise<string | undefined> {
  const row = await db
    .selectFrom("step_ups")
    .select("until")
    .where("subject_id", "=", args.subjectId)
    .where("user_id", "=", args.userId)
    .where("until", ">", args.nowIso)
    .executeTakeFirst();
  return row?.until;
}
