/**
 * The sign-in screen: one button that opens the browser's passkey prompt.
 * @module
 */

import { h } from "./dom.ts";

/** What the sign-in screen shows and does. */
export interface SignInScreen {
  /** A message above the button, e.g. why the admin was signed out. */
  readonly message?: { readonly text: string; readonly tone: "info" | "bad" };
  /** Runs the passkey sign-in; rejects with a message to show. */
  readonly signIn: () => Promise<void>;
}

/** Draws the sign-in screen into `root`. */
export function showSignIn(root: HTMLElement, screen: SignInScreen): void {
  const status = h("p", {
    class: "signin-status",
    attrs: { role: "status", "aria-live": "polite" },
  });
  const setMessage = (text: string, tone: "info" | "bad") => {
    status.textContent = text;
    status.dataset.tone = tone;
  };
  if (screen.message !== undefined) setMessage(screen.message.text, screen.message.tone);
  const button = h(
    "button",
    { class: "button primary wide", attrs: { type: "button" } },
    "Sign in with a passkey",
  );
  button.addEventListener("click", async () => {
    button.disabled = true;
    setMessage("Waiting for your passkey…", "info");
    try {
      await screen.signIn();
    } catch (error) {
      setMessage(error instanceof Error ? error.message : "Sign-in failed.", "bad");
      button.disabled = false;
    }
  });
  document.title = "Sign in · keyship admin";
  root.replaceChildren(
    h(
      "main",
      { class: "signin" },
      h(
        "div",
        { class: "signin-card" },
        h("p", { class: "brand" }, "keyship", h("span", null, "admin")),
        h("h1", null, "Sign in"),
        h(
          "p",
          { class: "muted" },
          "This console is for administrators. Use the passkey of your admin account.",
        ),
        status,
        button,
      ),
    ),
  );
  button.focus();
}
