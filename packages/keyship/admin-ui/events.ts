/**
 * Audit events as a table, shared by the audit page, the overview and the user page.
 * @module
 */

import { badge, type Child, h, idChip, table, time } from "./dom.ts";
import type { UserNames } from "./names.ts";
import { userHref } from "./router.ts";
import type { AuditEvent } from "./types.ts";

/** A user id as a link to their page, named when the name is known; a dash for null. */
export function userLink(id: string | null, names: UserNames): Child {
  if (id === null) return h("span", { class: "muted" }, "—");
  const name = names.nameOf(id);
  return h("a", { attrs: { href: userHref(id), title: id } }, name ?? idChip(id));
}

/** The user ids events name, for {@link UserNames.resolve}. */
export function userIdsOf(events: readonly AuditEvent[]): (string | null)[] {
  return events.flatMap((event) => [
    event.actorId,
    event.impersonatorId,
    event.targetType === "user" ? event.targetId : null,
  ]);
}

function targetOf(event: AuditEvent, names: UserNames): Child {
  if (event.targetId === null) return h("span", { class: "muted" }, "—");
  if (event.targetType === "user") return userLink(event.targetId, names);
  return h(
    "span",
    null,
    h("span", { class: "muted" }, `${event.targetType ?? "?"} `),
    idChip(event.targetId),
  );
}

/** The facts of one event nobody needs in the row itself: data, user agent, trace id. */
function detailsOf(event: AuditEvent, names: UserNames): HTMLElement {
  const facts: [string, Child][] = [
    ["Event", idChip(event.id)],
    [
      "Impersonated by",
      event.impersonatorId === null ? null : userLink(event.impersonatorId, names),
    ],
    ["User agent", event.userAgent],
    ["Trace id", event.traceId === null ? null : idChip(event.traceId)],
  ];
  const list = h("dl", { class: "facts" });
  for (const [name, value] of facts) {
    if (value !== null && value !== undefined)
      list.append(h("dt", null, name), h("dd", null, value));
  }
  const hasData = Object.keys(event.data).length > 0;
  return h(
    "details",
    null,
    h("summary", null, "Details"),
    list,
    hasData ? h("pre", { class: "json" }, JSON.stringify(event.data, null, 2)) : null,
  );
}

/**
 * The events, newest first as given.
 * @param names names for the user ids
 * @param options `compact` leaves out the IP and details columns
 */
export function eventsTable(
  events: readonly AuditEvent[],
  names: UserNames,
  options: { compact?: boolean } = {},
): HTMLElement {
  const columns = ["Time", "Action", "Outcome", "Actor", "Target"];
  if (options.compact !== true) columns.push("IP", "");
  return table(
    columns,
    events.map((event) => {
      const cells: Child[] = [
        time(event.at),
        h("code", { class: "action" }, event.action),
        event.outcome === "success" ? badge("success", "ok") : badge("failure", "bad"),
        h(
          "span",
          null,
          userLink(event.actorId, names),
          event.impersonatorId === null ? null : badge("impersonated", "warn"),
        ),
        targetOf(event, names),
      ];
      if (options.compact !== true) {
        cells.push(event.ip ?? h("span", { class: "muted" }, "—"), detailsOf(event, names));
      }
      return cells;
    }),
    "No events match.",
  );
}
