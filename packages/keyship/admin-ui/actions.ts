/**
 * Buttons that call the API: busy while the call (and any passkey step-up) runs, confirmed
 * first when destructive, and reporting the outcome in the status line.
 * @module
 */

import { describeError } from "./api.ts";
import type { ConsoleContext } from "./context.ts";
import { type Confirmation, confirmAction } from "./dialog.ts";
import { h } from "./dom.ts";

/** What {@link actionButton} does. */
export interface Action {
  readonly label: string;
  /** @default "plain" */
  readonly tone?: "plain" | "primary" | "danger";
  /** Asked first; the action runs only when confirmed. */
  readonly confirm?: Confirmation;
  /** Runs the change; resolves to the success message. */
  readonly run: () => Promise<string>;
  /** Draw the page again afterwards. @default true */
  readonly refresh?: boolean;
}

/** A button running `action`. */
export function actionButton(context: ConsoleContext, action: Action): HTMLButtonElement {
  const button = h(
    "button",
    { class: `button ${action.tone ?? "plain"}`, attrs: { type: "button" } },
    action.label,
  );
  button.addEventListener("click", async () => {
    if (action.confirm !== undefined && !(await confirmAction(action.confirm))) return;
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    try {
      context.notify(await action.run(), "ok");
      if (action.refresh !== false) context.refresh();
    } catch (error) {
      context.notify(describeError(error), "bad");
    } finally {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    }
  });
  return button;
}
