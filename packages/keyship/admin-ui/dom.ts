/**
 * Building the console's DOM: elements from tag, attributes and children, text always through
 * text nodes (never `innerHTML`), and the few formatters every page shares.
 * @module
 */

/** What may be a child of {@link h}: nodes, text, or nothing (skipped). */
export type Child = Node | string | number | null | undefined | false;

/** Attribute values: a string, `true` for an empty attribute, or nothing (not set). */
type AttributeValue = string | number | boolean | null | undefined;

/** The options of {@link h}. */
export interface ElementOptions {
  readonly class?: string;
  /** Attributes, set with `setAttribute`; `on…` names are refused (no inline handlers). */
  readonly attrs?: Readonly<Record<string, AttributeValue>>;
  /** Event listeners. */
  readonly on?: {
    readonly [K in keyof HTMLElementEventMap]?: (event: HTMLElementEventMap[K]) => void;
  };
}

/**
 * Creates an element.
 * @param tag the tag name
 * @param options class, attributes and listeners (or null)
 * @param children nodes and text; strings become text nodes
 * @example h("a", { attrs: { href: "#/users" } }, "Users")
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  options: ElementOptions | null = null,
  ...children: readonly Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (options?.class !== undefined) element.className = options.class;
  for (const [name, value] of Object.entries(options?.attrs ?? {})) {
    if (/^on/i.test(name)) throw new Error(`inline handler attribute ${name} refused`);
    if (value === undefined || value === null || value === false) continue;
    element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const [type, listener] of Object.entries(options?.on ?? {})) {
    element.addEventListener(type, listener as EventListener);
  }
  append(element, children);
  return element;
}

/** Appends children to `parent`, strings as text nodes. */
export function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

const DATE_TIME = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const TIME = new Intl.DateTimeFormat(undefined, { timeStyle: "short" });

/**
 * A `<time>` for an ISO timestamp, in the browser's locale, with the exact value as tooltip;
 * `fallback` (a dash) for null.
 */
export function time(iso: string | null | undefined, fallback = "—"): HTMLElement {
  if (iso === null || iso === undefined) return h("span", { class: "muted" }, fallback);
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return h("span", null, iso);
  return h("time", { attrs: { datetime: iso, title: iso } }, DATE_TIME.format(date));
}

/** The clock time of an ISO timestamp, e.g. "14:05". */
export function clockTime(iso: string): string {
  return TIME.format(new Date(iso));
}

/** A small coloured label. `tone` picks the colour: ok, warn, bad, info or plain. */
export function badge(text: string, tone: "ok" | "warn" | "bad" | "info" | "plain" = "plain") {
  return h("span", { class: `badge badge-${tone}` }, text);
}

/** An id in a monospace chip, with the whole id as tooltip. */
export function idChip(id: string): HTMLElement {
  return h("code", { class: "id", attrs: { title: id } }, id);
}

/** A user's name for headings and messages: display name, else email, else id. */
export function nameOf(user: {
  readonly id: string;
  readonly email: string | null;
  readonly displayName: string | null;
}): string {
  return user.displayName ?? user.email ?? user.id;
}

/** A section with a heading and content. */
export function section(title: string, ...children: readonly Child[]): HTMLElement {
  return h("section", { class: "panel" }, h("h2", null, title), ...children);
}

/**
 * A table with a header row; each cell of a row is labelled with its column (for the
 * stacked layout on narrow screens).
 * @param columns the header texts
 * @param rows the cells of each row
 * @param empty what to show when there are no rows
 */
export function table(
  columns: readonly string[],
  rows: readonly (readonly Child[])[],
  empty = "Nothing here yet.",
): HTMLElement {
  if (rows.length === 0) return h("p", { class: "empty" }, empty);
  const head = h("tr", null, ...columns.map((c) => h("th", { attrs: { scope: "col" } }, c)));
  const body = rows.map((cells) =>
    h(
      "tr",
      null,
      ...cells.map((cell, i) => h("td", { attrs: { "data-label": columns[i] } }, cell)),
    ),
  );
  return h(
    "div",
    { class: "table-wrap" },
    h("table", null, h("thead", null, head), h("tbody", null, ...body)),
  );
}

/** A labelled form control: `<label>` text above the control. */
export function field(label: string, control: HTMLElement, id: string): HTMLElement {
  control.id = id;
  return h("div", { class: "field" }, h("label", { attrs: { for: id } }, label), control);
}

/** A `<select>` with the given `[value, label]` options and one selected. */
export function select(
  name: string,
  options: readonly (readonly [string, string])[],
  selected: string,
): HTMLSelectElement {
  return h(
    "select",
    { attrs: { name } },
    ...options.map(([value, label]) =>
      h("option", { attrs: { value, selected: value === selected } }, label),
    ),
  );
}
