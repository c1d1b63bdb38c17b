/**
 * The signed-in console: the impersonation banner, the top bar with navigation, the status
 * line, and the page for the current hash, drawn again on every `hashchange`.
 * @module
 */

import type { Me } from "@keyship/client";
import { type AdminApi, describeError } from "./api.ts";
import type { ConsoleContext, PageRenderer } from "./context.ts";
import { h } from "./dom.ts";
import { createImpersonationBanner } from "./impersonation.ts";
import { createUserNames } from "./names.ts";
import { renderAudit } from "./pages/audit.ts";
import { renderOverview } from "./pages/overview.ts";
import { renderUser } from "./pages/user.ts";
import { renderUsers } from "./pages/users.ts";
import { parseRoute, type Route } from "./router.ts";

const PAGES: Readonly<Record<Route["page"], PageRenderer>> = {
  overview: renderOverview,
  users: renderUsers,
  user: renderUser,
  audit: renderAudit,
  "not-found": async () => ({
    title: "Not found",
    node: h(
      "div",
      null,
      h("h1", { attrs: { tabindex: "-1" } }, "Not found"),
      h("p", null, h("a", { attrs: { href: "#/" } }, "Back to the overview")),
    ),
  }),
};

const NAV: readonly (readonly [string, string, readonly Route["page"][]])[] = [
  ["#/", "Overview", ["overview"]],
  ["#/users", "Users", ["users", "user"]],
  ["#/audit", "Audit log", ["audit"]],
];

/** What the console needs from the app around it. */
export interface ConsoleOptions {
  readonly api: AdminApi;
  readonly me: Me;
  readonly signOut: () => Promise<void>;
}

function topBar(
  options: ConsoleOptions,
  main: HTMLElement,
): { skip: HTMLElement; header: HTMLElement; links: HTMLAnchorElement[] } {
  const links = NAV.map(([link, label]) =>
    h("a", { class: "nav-link", attrs: { href: link } }, label),
  );
  const signOut = h(
    "button",
    { class: "button plain small", attrs: { type: "button" } },
    "Sign out",
  );
  signOut.addEventListener("click", () => void options.signOut());
  const skip = h("button", { class: "skip", attrs: { type: "button" } }, "Skip to content");
  skip.addEventListener("click", () => main.focus());
  const header = h(
    "header",
    { class: "topbar" },
    h("a", { class: "brand", attrs: { href: "#/" } }, "keyship", h("span", null, "admin")),
    h("nav", { attrs: { "aria-label": "Main" } }, ...links),
    h(
      "div",
      { class: "me" },
      h("span", { class: "muted" }, options.me.email ?? options.me.displayName ?? options.me.id),
      signOut,
    ),
  );
  return { skip, header, links };
}

/**
 * Draws the console into `root` and follows the hash.
 * @returns a function that stops following it (on sign-out)
 */
export function startConsole(root: HTMLElement, options: ConsoleOptions): () => void {
  const main = h("main", { attrs: { id: "main", tabindex: "-1" } });
  const notice = h("div", { class: "notice", attrs: { role: "status", "aria-live": "polite" } });
  const bannerSlot = h("div", { class: "banners", attrs: { hidden: true } });
  const { skip, header, links } = topBar(options, main);
  const content = h("div", { class: "content" }, notice, main);
  root.replaceChildren(h("div", { class: "app" }, skip, bannerSlot, header, content));

  const notify = (message: string, tone: "ok" | "bad" = "ok") => {
    notice.textContent = message;
    notice.dataset.tone = tone;
  };
  const banner = createImpersonationBanner(bannerSlot, options.api, notify);
  let drawn = 0;
  const draw = async (isNavigation: boolean) => {
    const route = parseRoute(location.hash);
    const id = ++drawn;
    if (isNavigation) notify("");
    links.forEach((link, i) => {
      const isCurrent = NAV[i]?.[2].includes(route.page) === true;
      if (isCurrent) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    });
    main.setAttribute("aria-busy", "true");
    main.dataset.page = route.page;
    main.dataset.state = "loading";
    let view: { title: string; node: Node };
    try {
      view = await PAGES[route.page](context, route);
    } catch (error) {
      view = { title: "Error", node: errorView(describeError(error), () => void draw(false)) };
      main.dataset.state = "error";
    }
    if (id !== drawn) return; // a newer navigation won
    main.replaceChildren(view.node);
    main.removeAttribute("aria-busy");
    if (main.dataset.state === "loading") main.dataset.state = "ready";
    document.title = `${view.title} · keyship admin`;
    if (isNavigation) (main.querySelector("h1") ?? main).focus();
  };
  const names = createUserNames(options.api);
  names.learn([options.me]);
  const context: ConsoleContext = {
    api: options.api,
    me: options.me,
    names,
    notify,
    refresh: () => void draw(false),
    impersonationStarted: (started) => banner.started(started),
  };
  const onHashChange = () => {
    void draw(true);
    void banner.refresh();
  };
  window.addEventListener("hashchange", onHashChange);
  void draw(false);
  void banner.refresh();
  return () => window.removeEventListener("hashchange", onHashChange);
}

function errorView(message: string, retry: () => void): HTMLElement {
  return h(
    "div",
    { class: "panel error" },
    h("h1", { class: "error-title", attrs: { tabindex: "-1" } }, "This page could not be loaded"),
    h("p", null, message),
    h(
      "button",
      { class: "button plain", attrs: { type: "button" }, on: { click: retry } },
      "Try again",
    ),
  );
}
