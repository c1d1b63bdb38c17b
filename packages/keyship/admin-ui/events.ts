/**
 * Audit events as a table, shared by the audit page, the overview and the user page.
 * @module
 */

import { badge, type Child, h, idChip, table, time } from "./dom.ts";
import { userHref } from "./router.ts";
import type { AuditEvent } from "./types.ts";

/** A user id as a link to their page, or a dash. */
export function userLink(id: string | null): Child {
  return id === null
    ? h("span", { class: "muted" }, "—")
    : h("a", { attrs: { href: userHref(id) } }, idChip(id));
}

function targetOf(event: AuditEvent): Child {
  if (event.targetId === null) return h("span", { class: "muted" }, "—");
  const label = h("span", { class: "muted" }, `${event.targetType ?? "?"} `);
  if (event.targetType === "user") return h("span", null, label, userLink(event.targetId));
  return h("span", null, label, idChip(event.targetId));
}

/** The facts of one event nobody needs in the row itself: data, user agent, trace id. */
function detailsOf(event: AuditEvent): HTMLElement {
  const facts: [string, Child][] = [
    ["Event", idChip(event.id)],
    ["Impersonated by", event.impersonatorId === null ? null : userLink(event.impersonatorId)],
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
 * @param options `compact` leaves out the IP and details columns
 */
export function eventsTable(
  events: readonly AuditEvent[],
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
          userLink(event.actorId),
          event.impersonatorId === null ? null : badge("impersonated", "warn"),
        ),
        targetOf(event),
      ];
      if (options.compact !== true)
        cells.push(event.ip ?? h("span", { class: "muted" }, "—"), detailsOf(event));
      return cells;
    }),
    "No events match.",
  );
}
