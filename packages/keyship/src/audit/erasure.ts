/**
 * The erasure of a deleted user from the audit log: the history stays (actions, outcomes,
 * times, ids, trace ids), the personal data goes (docs/audit.md "Deleted users").
 * @module
 */
import type { DB } from "../db/schema.ts";
import { stripPersonalData } from "./model.ts";
import { clearActorSource, listAuditDataOf, replaceAuditData } from "./store.ts";

/** Target ids looked up per query. */
const CHUNK = 500;

/**
 * Strips a user's personal data from the rows about them, inside the deletion's transaction:
 * the IP address and user agent of every row they caused, and the names, labels and email
 * addresses in the `data` of every row they caused or that is about them or one of their
 * credentials. Their id stays: it names nobody once the user row is gone.
 * @param trx the deletion's transaction
 * @param userId the user being deleted
 * @param credentialIds the ids of their passkeys, devices, sessions and API keys
 * @returns how many rows had their `data` stripped
 */
export async function eraseUserFromAudit(
  trx: DB,
  userId: string,
  credentialIds: readonly string[],
): Promise<number> {
  await clearActorSource(trx, userId);
  const targets = [userId, ...credentialIds];
  const seen = new Set<string>();
  let stripped = 0;
  for (let start = 0; start < targets.length; start += CHUNK) {
    const rows = await listAuditDataOf(trx, userId, targets.slice(start, start + CHUNK));
    for (const row of rows) {
      if (seen.has(row.id)) continue;
      seen.add(row.id);
      const data = stripPersonalData(row.data);
      if (data === row.data) continue;
      await replaceAuditData(trx, row.id, data);
      stripped += 1;
    }
  }
  return stripped;
}
