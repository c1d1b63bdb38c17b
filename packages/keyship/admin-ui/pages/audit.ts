/**
 * The audit log: filters (action or `area.*` prefix, outcome, actor, target, time range, text),
 * cursor pages, and the export of the filtered events as CSV or NDJSON.
 * @module
 */

import { AUDIT_ACTIONS } from "../../src/audit/model.ts";
import { describeError } from "../api.ts";
import type { ConsoleContext, PageRenderer } from "../context.ts";
import { field, h, select } from "../dom.ts";
import { eventsTable, userIdsOf } from "../events.ts";
import { pager } from "../pager.ts";
import { href, pick } from "../router.ts";
import type { AuditFilter } from "../types.ts";

const PAGE_SIZE = 50;
const FILTERS = ["action", "outcome", "actor", "target", "from", "to", "q"] as const;

/** The actions and their `area.*` prefixes, offered as suggestions. */
function actionSuggestions(): HTMLDataListElement {
  const areas = [...new Set(AUDIT_ACTIONS.map((action) => `${action.split(".")[0]}.*`))];
  return h(
    "datalist",
    { attrs: { id: "audit-actions" } },
    ...[...areas, ...AUDIT_ACTIONS].map((value) => h("option", { attrs: { value } })),
  );
}

/** `datetime-local` works in local time without a zone; the API takes ISO instants. */
function toLocalInput(iso: string | undefined): string {
  if (iso === undefined) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

function fromLocalInput(value: string): string {
  return value === "" ? "" : new Date(value).toISOString();
}

function input(name: string, value: string | undefined, attrs: Record<string, string> = {}) {
  return h("input", { attrs: { type: "text", name, value: value ?? "", ...attrs } });
}

function filterForm(filters: AuditFilter): HTMLFormElement {
  const form = h(
    "form",
    { class: "filters filter-grid", attrs: { role: "search" } },
    field(
      "Action",
      input("action", filters.action, { list: "audit-actions", placeholder: "e.g. passkey.*" }),
      "audit-action",
    ),
    field(
      "Outcome",
      select(
        "outcome",
        [
          ["", "Any outcome"],
          ["success", "Success"],
          ["failure", "Failure"],
        ],
        filters.outcome ?? "",
      ),
      "audit-outcome",
    ),
    field("Actor id", input("actor", filters.actor), "audit-actor"),
    field("Target id", input("target", filters.target), "audit-target"),
    field(
      "From",
      input("from", toLocalInput(filters.from), { type: "datetime-local" }),
      "audit-from",
    ),
    field("To", input("to", toLocalInput(filters.to), { type: "datetime-local" }), "audit-to"),
    field(
      "Text",
      input("q", filters.q, { type: "search", placeholder: "ip, id, user agent…" }),
      "audit-q",
    ),
    h(
      "div",
      { class: "filter-actions" },
      h("button", { class: "button primary", attrs: { type: "submit" } }, "Apply"),
      h("a", { class: "button plain", attrs: { href: href("/audit") } }, "Clear"),
    ),
    actionSuggestions(),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const text = (name: string) => String(data.get(name) ?? "").trim();
    location.hash = href("/audit", {
      action: text("action"),
      outcome: text("outcome"),
      actor: text("actor"),
      target: text("target"),
      from: fromLocalInput(text("from")),
      to: fromLocalInput(text("to")),
      q: text("q"),
    });
  });
  return form;
}

/** Downloads a file the API answered: a Blob URL clicked through a temporary `<a download>`. */
function saveFile(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = h("a", { attrs: { href: url, download: filename, hidden: true } });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function exportButton(context: ConsoleContext, filters: AuditFilter, format: "csv" | "ndjson") {
  const button = h(
    "button",
    { class: "button plain", attrs: { type: "button" } },
    `Export ${format.toUpperCase()}`,
  );
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const { blob, filename } = await context.api.exportAudit(filters, format);
      saveFile(blob, filename);
      context.notify(`Downloaded ${filename}.`, "ok");
    } catch (error) {
      context.notify(describeError(error), "bad");
    } finally {
      button.disabled = false;
    }
  });
  return button;
}

export const renderAudit: PageRenderer = async (context, route) => {
  const filters: AuditFilter = pick(route.query, [...FILTERS, "cursor"]);
  const page = await context.api.audit(filters, PAGE_SIZE);
  await context.names.resolve(userIdsOf(page.items));
  const node = h(
    "div",
    null,
    h(
      "div",
      { class: "page-head" },
      h("h1", { attrs: { tabindex: "-1" } }, "Audit log"),
      h(
        "div",
        { class: "head-actions" },
        exportButton(context, filters, "csv"),
        exportButton(context, filters, "ndjson"),
      ),
    ),
    filterForm(filters),
    h(
      "section",
      { class: "panel", attrs: { "aria-label": "Events" } },
      eventsTable(page.items, context.names),
      pager("/audit", route.query, page.nextCursor),
    ),
  );
  return { title: "Audit log", node };
};
