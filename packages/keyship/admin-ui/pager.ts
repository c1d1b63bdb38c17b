/**
 * Cursor pagination links for the lists: back to the first page, and on to the next.
 * @module
 */

import { h } from "./dom.ts";
import { href } from "./router.ts";

/**
 * The pager of a list at `path` whose filters are in `query`.
 * @param nextCursor the API's `nextCursor` (null on the last page)
 */
export function pager(
  path: string,
  query: URLSearchParams,
  nextCursor: string | null,
): HTMLElement {
  const filters = Object.fromEntries([...query].filter(([name]) => name !== "cursor"));
  const isFirst = query.get("cursor") === null;
  return h(
    "nav",
    { class: "pager", attrs: { "aria-label": "Pages" } },
    isFirst
      ? null
      : h("a", { class: "button plain", attrs: { href: href(path, filters) } }, "← First page"),
    nextCursor === null
      ? h("span", { class: "muted" }, isFirst ? "" : "Last page")
      : h(
          "a",
          {
            class: "button plain",
            attrs: { href: href(path, { ...filters, cursor: nextCursor }), rel: "next" },
          },
          "Next page →",
        ),
  );
}
