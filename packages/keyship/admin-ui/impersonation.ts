/**
 * The impersonation banner: shown while this admin has an active impersonation (read from the
 * server, so it survives a reload), with Stop, and a small "request as this user" panel. The
 * impersonation's access token lives in this page's memory only; after a reload the banner
 * stays but the panel is gone (stop and start again to get a token).
 * @module
 */

import { type AdminApi, describeError } from "./api.ts";
import { clockTime, h, nameOf } from "./dom.ts";
import type { ActiveImpersonation, StartedImpersonation } from "./types.ts";

/** The banner's controls. */
export interface ImpersonationBanner {
  /** Reads the active impersonations and draws the banner again. */
  refresh(): Promise<void>;
  /** Keeps a started impersonation's token (in memory) and draws the banner again. */
  started(started: StartedImpersonation): Promise<void>;
}

const METHODS = ["GET", "POST", "PATCH", "DELETE"] as const;

/** Sends one request with the impersonation's access token (plain fetch, this origin only). */
async function requestAs(
  token: string,
  method: string,
  path: string,
  body: string,
): Promise<string> {
  const url = new URL(path, location.origin);
  if (!path.startsWith("/") || url.origin !== location.origin)
    return "Only paths of this server, starting with /.";
  const headers: Record<string, string> = {
    authorization: `Bearer ${token}`,
    accept: "application/json",
  };
  const init: RequestInit = { method, headers, cache: "no-store" };
  if (method !== "GET") {
    headers["content-type"] = "application/json";
    init.body = body.trim() === "" ? "{}" : body;
  }
  const response = await fetch(url, init);
  const text = await response.text();
  let shown = text;
  try {
    shown = JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    // not JSON: show it as it came
  }
  return `${response.status} ${response.statusText}\n\n${shown}`;
}

function requestPanel(token: string, id: string): HTMLElement {
  const method = h(
    "select",
    { attrs: { name: "method" } },
    ...METHODS.map((m) => h("option", { attrs: { value: m } }, m)),
  );
  const path = h("input", {
    attrs: { type: "text", name: "path", value: "/auth/me", spellcheck: "false" },
  });
  const body = h("textarea", {
    attrs: { name: "body", rows: "2", spellcheck: "false", placeholder: "{}" },
  });
  const output = h("pre", { class: "json", attrs: { "aria-live": "polite" } });
  const label = (text: string, control: HTMLElement, suffix: string) => {
    control.id = `${id}-${suffix}`;
    return h("label", { attrs: { for: control.id } }, text);
  };
  const form = h(
    "form",
    { class: "request-as" },
    h(
      "div",
      { class: "row" },
      label("Method", method, "method"),
      method,
      label("Path", path, "path"),
      path,
    ),
    label("JSON body (not for GET)", body, "body"),
    body,
    h("button", { class: "button plain", attrs: { type: "submit" } }, "Send"),
    output,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    output.textContent = "…";
    try {
      output.textContent = await requestAs(token, method.value, path.value.trim(), body.value);
    } catch {
      output.textContent = "The request failed (network error).";
    }
  });
  return h("details", null, h("summary", null, "Send a request as this user"), form);
}

/**
 * Creates the banner in `slot`.
 * @param notify shows a message in the status line
 */
export function createImpersonationBanner(
  slot: HTMLElement,
  api: AdminApi,
  notify: (message: string, tone: "ok" | "bad") => void,
): ImpersonationBanner {
  const tokens = new Map<string, string>();

  const stop = async (item: ActiveImpersonation) => {
    try {
      await api.stopImpersonation(item.sessionId);
      tokens.delete(item.sessionId);
      notify(`Stopped impersonating ${nameOf({ ...item, id: item.userId })}.`, "ok");
    } catch (error) {
      notify(describeError(error), "bad");
    }
    await refresh();
  };

  const draw = (items: readonly ActiveImpersonation[]) => {
    slot.replaceChildren(
      ...items.map((item, index) => {
        const token = tokens.get(item.sessionId);
        const name = nameOf({ ...item, id: item.userId });
        return h(
          "div",
          { class: "banner", attrs: { role: "region", "aria-label": `Impersonating ${name}` } },
          h(
            "div",
            { class: "banner-line" },
            h(
              "span",
              null,
              "You are impersonating ",
              h("strong", null, name),
              ` until ${clockTime(item.expiresAt)}.`,
            ),
            h(
              "button",
              {
                class: "button plain",
                attrs: { type: "button" },
                on: { click: () => void stop(item) },
              },
              "Stop impersonating",
            ),
          ),
          token === undefined ? null : requestPanel(token, `as-${index}`),
        );
      }),
    );
    slot.hidden = items.length === 0;
  };

  const refresh = async () => {
    try {
      const { items } = await api.impersonations();
      const now = Date.now();
      draw(items.filter((item) => Date.parse(item.expiresAt) > now));
    } catch {
      // the banner is a convenience: a failed read leaves it as it was
    }
  };

  return {
    refresh,
    async started(started) {
      tokens.set(started.sessionId, started.accessToken);
      await refresh();
    },
  };
}
