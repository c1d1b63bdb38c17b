/**
 * Names for user ids: audit events carry ids only, so the console remembers the name of every
 * user it has been shown and, when a page names users it has not seen, reads one page of users
 * (at most every 30 s) to learn more. Ids it cannot name stay ids.
 * @module
 */

import type { AdminApi } from "./api.ts";
import type { AdminUser } from "./types.ts";

/** The console's memory of user names. */
export interface UserNames {
  /** The display name or email of `id`, when known. */
  nameOf(id: string): string | undefined;
  /** Remembers these users' names. */
  learn(users: readonly Pick<AdminUser, "id" | "email" | "displayName">[]): void;
  /** Tries to learn the names of `ids` it does not know yet. Never rejects. */
  resolve(ids: readonly (string | null)[]): Promise<void>;
}

const LOOKUP_PAGE_SIZE = 100;
const LOOKUP_COOLDOWN_MS = 30_000;

/** An empty memory that looks names up through `api`. */
export function createUserNames(api: AdminApi): UserNames {
  const names = new Map<string, string>();
  let lastLookup = Number.NEGATIVE_INFINITY;
  let lookup: Promise<void> | undefined;
  const learn: UserNames["learn"] = (users) => {
    for (const user of users) {
      const name = user.displayName ?? user.email;
      if (name !== null) names.set(user.id, name);
    }
  };
  return {
    nameOf: (id) => names.get(id),
    learn,
    async resolve(ids) {
      const isMissing = ids.some((id) => id !== null && !names.has(id));
      if (!isMissing || (lookup === undefined && Date.now() - lastLookup < LOOKUP_COOLDOWN_MS))
        return;
      lookup ??= api
        .users({}, LOOKUP_PAGE_SIZE)
        .then((page) => learn(page.items))
        .catch(() => {})
        .finally(() => {
          lastLookup = Date.now();
          lookup = undefined;
        });
      await lookup;
    },
  };
}
