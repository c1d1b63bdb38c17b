/**
 * The overview: accounts, and today's sign-ins, failures and sign-ups (since 00:00 UTC), with
 * the latest audit events below.
 * @module
 */

import type { PageRenderer } from "../context.ts";
import { h, section, time } from "../dom.ts";
import { eventsTable, userIdsOf } from "../events.ts";
import { href } from "../router.ts";

function stat(label: string, value: number, link: string, note?: string): HTMLElement {
  return h(
    "a",
    { class: "stat", attrs: { href: link } },
    h("span", { class: "stat-label" }, label),
    h("span", { class: "stat-value" }, value.toLocaleString()),
    note === undefined ? null : h("span", { class: "stat-note" }, note),
  );
}

export const renderOverview: PageRenderer = async ({ api, names }) => {
  const [overview, recent] = await Promise.all([api.overview(), api.audit({}, 8)]);
  await names.resolve(userIdsOf(recent.items));
  const { users, today, since } = overview;
  const cards = h(
    "div",
    { class: "stats" },
    stat(
      "Users",
      users.total,
      href("/users"),
      `${users.admins} ${users.admins === 1 ? "admin" : "admins"} · ${users.disabled} disabled`,
    ),
    stat(
      "Sign-ins today",
      today.signIns,
      href("/audit", { action: "user.signed_in", from: since }),
    ),
    stat(
      "Failed sign-ins today",
      today.signInFailures,
      href("/audit", { action: "user.sign_in_failed", from: since }),
    ),
    stat(
      "Sign-ups today",
      today.signUps,
      href("/audit", { action: "user.signed_up", from: since }),
    ),
  );
  const node = h(
    "div",
    null,
    h("div", { class: "page-head" }, h("h1", { attrs: { tabindex: "-1" } }, "Overview")),
    h(
      "p",
      { class: "muted" },
      "Today’s counts start at 00:00 UTC (",
      time(since),
      " in your time zone).",
    ),
    cards,
    section(
      "Latest activity",
      eventsTable(recent.items, names, { compact: true }),
      h("p", null, h("a", { attrs: { href: href("/audit") } }, "Open the audit log →")),
    ),
  );
  return { title: "Overview", node };
};
