/**
 * The users table: search by email, name or id, filter by role and status, cursor pages.
 * @module
 */

import type { PageRenderer } from "../context.ts";
import { badge, field, h, select, table, time } from "../dom.ts";
import { pager } from "../pager.ts";
import { href, pick, userHref } from "../router.ts";
import type { AdminUser } from "../types.ts";

const PAGE_SIZE = 25;

/** The filter form; submitting it moves to the filtered hash (the first page). */
function filterForm(filters: { q?: string; role?: string; disabled?: string }): HTMLFormElement {
  const search = h("input", {
    attrs: { type: "search", name: "q", value: filters.q ?? "", placeholder: "Email, name or id" },
  });
  const form = h(
    "form",
    { class: "filters", attrs: { role: "search" } },
    field("Search", search, "users-q"),
    field(
      "Role",
      select(
        "role",
        [
          ["", "Any role"],
          ["user", "User"],
          ["admin", "Admin"],
        ],
        filters.role ?? "",
      ),
      "users-role",
    ),
    field(
      "Status",
      select(
        "disabled",
        [
          ["", "Any status"],
          ["false", "Active"],
          ["true", "Disabled"],
        ],
        filters.disabled ?? "",
      ),
      "users-disabled",
    ),
    h(
      "div",
      { class: "filter-actions" },
      h("button", { class: "button primary", attrs: { type: "submit" } }, "Search"),
    ),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(form);
    location.hash = href("/users", {
      q: String(data.get("q") ?? "").trim(),
      role: String(data.get("role") ?? ""),
      disabled: String(data.get("disabled") ?? ""),
    });
  });
  return form;
}

function userRow(user: AdminUser) {
  const name = user.displayName ?? user.email ?? user.id;
  return [
    h(
      "div",
      { class: "who" },
      h("a", { attrs: { href: userHref(user.id) } }, name),
      user.displayName !== null && user.email !== null
        ? h("span", { class: "muted" }, user.email)
        : null,
    ),
    user.role === "admin" ? badge("admin", "info") : badge("user"),
    user.disabled ? badge("disabled", "bad") : badge("active", "ok"),
    time(user.createdAt),
    time(user.lastSignInAt, "never"),
  ];
}

export const renderUsers: PageRenderer = async ({ api, names }, route) => {
  const filters = pick(route.query, ["q", "role", "disabled", "cursor"] as const);
  const page = await api.users(filters, PAGE_SIZE);
  names.learn(page.items);
  const isFiltered =
    filters.q !== undefined || filters.role !== undefined || filters.disabled !== undefined;
  const node = h(
    "div",
    null,
    h("div", { class: "page-head" }, h("h1", { attrs: { tabindex: "-1" } }, "Users")),
    filterForm(filters),
    h(
      "section",
      { class: "panel", attrs: { "aria-label": "Users" } },
      table(
        ["User", "Role", "Status", "Created", "Last sign-in"],
        page.items.map(userRow),
        isFiltered ? "No user matches these filters." : "No users yet.",
      ),
      pager("/users", route.query, page.nextCursor),
    ),
  );
  return { title: "Users", node };
};
