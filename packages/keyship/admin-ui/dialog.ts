/**
 * Confirmation for destructive actions: a native modal `<dialog>` (focus kept inside, Esc
 * cancels), with the safe choice focused first.
 * @module
 */

import { h } from "./dom.ts";

/** What {@link confirmAction} asks. */
export interface Confirmation {
  readonly title: string;
  /** What happens, in a sentence or two. */
  readonly body: string;
  /** The confirming button's label, e.g. "Disable account". */
  readonly confirmLabel: string;
  /** Red confirm button. @default true */
  readonly isDanger?: boolean;
}

/**
 * Asks for confirmation in a modal dialog.
 * @returns true when confirmed; false on Cancel, Esc or closing otherwise
 * @example if (await confirmAction({ title: "Revoke?", body: "…", confirmLabel: "Revoke" })) …
 */
export function confirmAction(confirmation: Confirmation): Promise<boolean> {
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  return new Promise((resolve) => {
    const dialog = h("dialog", {
      class: "confirm",
      attrs: { "aria-labelledby": "confirm-title", "aria-describedby": "confirm-body" },
    });
    const cancel = h(
      "button",
      {
        class: "button",
        attrs: { type: "button", autofocus: true },
        on: { click: () => dialog.close("cancel") },
      },
      "Cancel",
    );
    const confirm = h(
      "button",
      {
        class: confirmation.isDanger === false ? "button primary" : "button danger",
        attrs: { type: "button", "data-action": "confirm" },
        on: { click: () => dialog.close("confirm") },
      },
      confirmation.confirmLabel,
    );
    dialog.append(
      h("h2", { attrs: { id: "confirm-title" } }, confirmation.title),
      h("p", { attrs: { id: "confirm-body" } }, confirmation.body),
      h("div", { class: "dialog-actions" }, cancel, confirm),
    );
    dialog.addEventListener("close", () => {
      dialog.remove();
      opener?.focus();
      resolve(dialog.returnValue === "confirm");
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}
