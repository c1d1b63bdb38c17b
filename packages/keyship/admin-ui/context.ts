/**
 * What every page gets: the API, the signed-in admin, the status line and a way to draw the
 * page again after a change.
 * @module
 */

import type { Me } from "@keyship/client";
import type { AdminApi } from "./api.ts";
import type { UserNames } from "./names.ts";
import type { Route } from "./router.ts";
import type { StartedImpersonation } from "./types.ts";

/** The console's shared services. */
export interface ConsoleContext {
  readonly api: AdminApi;
  /** The signed-in admin. */
  readonly me: Me;
  /** Names for the user ids of audit events. */
  readonly names: UserNames;
  /** Shows a message in the status line (announced to screen readers). */
  notify(message: string, tone?: "ok" | "bad"): void;
  /** Draws the current page again, e.g. after a change. */
  refresh(): void;
  /** Starts an impersonation: keeps its token in memory and shows the banner. */
  impersonationStarted(started: StartedImpersonation): Promise<void>;
}

/** A drawn page: its `<title>` and content. */
export interface PageView {
  readonly title: string;
  readonly node: Node;
}

/** Loads a page's data and draws it. */
export type PageRenderer = (context: ConsoleContext, route: Route) => Promise<PageView>;
