/**
 * The user page's profile form: the display name and the app-defined fields (`user.fields`),
 * drawn from the JSON Schema the server sends with the user, `adminOnly` ones included. Only
 * the members an admin changed are sent (`PATCH /users/{id}/profile`); the server validates
 * them with the app's schema, and a refused field is marked beside its control.
 * @module
 */

import { ApiError, describeError } from "../api.ts";
import type { ConsoleContext } from "../context.ts";
import { badge, h, section } from "../dom.ts";
import type { FieldSchema, UserDetail } from "../types.ts";

/** One control of the form: what it shows, and how to read the value back. */
interface FieldControl {
  readonly name: string;
  readonly node: HTMLElement;
  /** The value to send, or `undefined` when the control is unchanged. */
  read(): unknown;
  /** Marks the control with the server's message, or clears the mark (null). */
  mark(message: string | null): void;
}

/** Thrown for a value the form itself cannot turn into JSON (a malformed JSON text). */
class UnreadableField extends Error {
  readonly field: string;

  constructor(field: string) {
    super(`${field}: not valid JSON`);
    this.field = field;
  }
}

/** The JSON types a field admits (`type`, or the branches of `anyOf`). */
function typesOf(schema: FieldSchema): string[] {
  if (typeof schema.type === "string") return [schema.type];
  if (Array.isArray(schema.type)) return [...schema.type];
  return (schema.anyOf ?? []).flatMap(typesOf);
}

/** The kind of control a field gets: a list of choices, a switch, a number, text, or JSON. */
function kindOf(schema: FieldSchema): "choice" | "switch" | "number" | "text" | "json" {
  if (Array.isArray(schema.enum) && schema.enum.every((v) => typeof v === "string")) {
    return "choice";
  }
  const types = typesOf(schema).filter((type) => type !== "null");
  if (types.length !== 1) return "json";
  if (types[0] === "boolean") return "switch";
  if (types[0] === "integer" || types[0] === "number") return "number";
  return types[0] === "string" ? "text" : "json";
}

/** The control for one field, holding `value` (undefined when the user has none). */
function controlOf(name: string, schema: FieldSchema, value: unknown): FieldControl {
  const id = `field-${name}`;
  const isNullable = typesOf(schema).includes("null");
  const kind = kindOf(schema);
  let input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
  let read: () => unknown;
  if (kind === "switch") {
    const box = h("input", { attrs: { type: "checkbox", checked: value === true } });
    read = () => (box.checked === (value === true) ? undefined : box.checked);
    input = box;
  } else if (kind === "choice") {
    const choices = ["", ...(schema.enum as string[])];
    const picker = h(
      "select",
      null,
      ...choices.map((choice) =>
        h("option", { attrs: { value: choice, selected: choice === value } }, choice || "—"),
      ),
    );
    read = () => (picker.value === (value ?? "") ? undefined : picker.value || null);
    input = picker;
  } else {
    const shown = value === undefined || value === null ? "" : value;
    const text = kind === "json" ? JSON.stringify(shown === "" ? undefined : shown) : shown;
    input =
      kind === "json"
        ? h("textarea", { attrs: { rows: 2, spellcheck: "false" } })
        : h("input", {
            attrs: kind === "number" ? { type: "number", step: "any" } : { type: "text" },
          });
    input.value = String(text ?? "");
    const initial = input.value;
    read = () => {
      if (input.value === initial) return undefined;
      if (input.value.trim() === "") return isNullable ? null : "";
      if (kind === "number") return Number(input.value);
      if (kind === "text") return input.value;
      try {
        return JSON.parse(input.value);
      } catch {
        throw new UnreadableField(name);
      }
    };
  }
  input.id = id;
  input.setAttribute("name", name);
  const problem = h("p", { class: "field-problem", attrs: { id: `${id}-problem`, hidden: true } });
  const label = h("label", { attrs: { for: id } }, name);
  const node = h(
    "div",
    { class: kind === "switch" ? "field field-switch" : "field" },
    label,
    input,
    schema.description === undefined ? null : h("p", { class: "hint" }, schema.description),
    problem,
  );
  return {
    name,
    node,
    read,
    mark(message) {
      problem.textContent = message ?? "";
      problem.hidden = message === null;
      if (message === null) {
        input.removeAttribute("aria-invalid");
        input.removeAttribute("aria-describedby");
      } else {
        input.setAttribute("aria-invalid", "true");
        input.setAttribute("aria-describedby", problem.id);
      }
    },
  };
}

/** The display name's control: empty removes it. */
function displayNameControl(value: string | null): FieldControl {
  const control = controlOf("displayName", { type: ["string", "null"] }, value);
  const label = control.node.querySelector("label");
  if (label !== null) label.textContent = "Display name";
  return control;
}

/**
 * The profile section of a user's page.
 * @param context the console
 * @param detail the user's page data, with the field schema
 */
export function profileSection(context: ConsoleContext, detail: UserDetail): HTMLElement {
  const { user } = detail;
  const properties = detail.fieldSchema.properties ?? {};
  const displayName = displayNameControl(user.displayName);
  const fields = Object.entries(properties).map(([name, schema]) =>
    controlOf(name, schema, user.fields[name]),
  );
  for (const control of fields) {
    if (detail.adminOnlyFields.includes(control.name)) {
      control.node.querySelector("label")?.append(" ", badge("admin only", "info"));
    }
  }
  const save = h("button", { class: "button primary", attrs: { type: "submit" } }, "Save profile");
  const form = h(
    "form",
    { class: "profile-form", attrs: { novalidate: true, "aria-label": "Profile" } },
    h("div", { class: "filter-grid" }, displayName.node, ...fields.map((c) => c.node)),
    h("div", { class: "row" }, save),
  );
  const controls = [displayName, ...fields];
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    for (const control of controls) control.mark(null);
    save.disabled = true;
    try {
      const patch = readPatch(displayName, fields);
      if (patch === undefined) {
        context.notify("Nothing changed.", "ok");
        return;
      }
      await context.api.updateProfile(user.id, patch);
      context.notify("Profile saved.", "ok");
      context.refresh();
    } catch (error) {
      markRefused(controls, error);
      const isUnreadable = error instanceof UnreadableField;
      context.notify(isUnreadable ? `Not saved. ${error.message}` : describeError(error), "bad");
    } finally {
      save.disabled = false;
    }
  });
  return section("Profile", form);
}

/** The changed members, or undefined when nothing changed. */
function readPatch(
  displayName: FieldControl,
  fields: readonly FieldControl[],
): { displayName?: string | null; fields?: Record<string, unknown> } | undefined {
  const changed: Record<string, unknown> = {};
  for (const control of fields) {
    const value = control.read();
    if (value !== undefined) changed[control.name] = value;
  }
  const name = displayName.read();
  if (name === undefined && Object.keys(changed).length === 0) return undefined;
  return {
    ...(name === undefined ? {} : { displayName: name === "" ? null : (name as string | null) }),
    ...(Object.keys(changed).length === 0 ? {} : { fields: changed }),
  };
}

/** Marks each control the server (or the form) refused. */
function markRefused(controls: readonly FieldControl[], error: unknown): void {
  const byName = new Map(controls.map((control) => [control.name, control]));
  if (error instanceof UnreadableField) {
    byName.get(error.field)?.mark("Not valid JSON.");
    return;
  }
  if (!(error instanceof ApiError)) return;
  for (const { path, message } of error.errors) {
    const name = path.replace(/^fields\./, "").split(".")[0] ?? "";
    byName.get(name)?.mark(message);
  }
}
