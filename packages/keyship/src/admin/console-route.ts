/**
 * The admin console's page: `GET /` answers the HTML shell, `GET /assets/console.js` and
 * `/assets/console.css` the prebuilt single-page app that ships in the package
 * (`assets/admin/`, built from `admin-ui/`; no CDN). The shell holds no data: the app signs in
 * with a passkey and reads everything from the admin API with device tokens (docs/admin.md).
 * Plain `get` routes, so none of it appears in `/openapi.json`.
 * @module
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRouter, type KeyshipRouter } from "../http/router.ts";
import { HTML_PAGE_HEADERS } from "../http/secure-headers.ts";

/** The prebuilt console, read from the package once per process. */
interface ConsoleAssets {
  readonly script: string;
  readonly styles: string;
  /** A digest of both, in the asset URLs, so a cached copy never outlives an upgrade. */
  readonly version: string;
}

let assets: ConsoleAssets | undefined;

/** `../../assets/admin/` is the package's asset folder from both src/admin/ and dist/admin/. */
function loadConsoleAssets(): ConsoleAssets {
  if (assets === undefined) {
    const read = (name: string) =>
      readFileSync(new URL(`../../assets/admin/${name}`, import.meta.url), "utf8");
    const script = read("console.js");
    const styles = read("console.css");
    const version = createHash("sha256").update(script).update(styles).digest("hex").slice(0, 12);
    assets = { script, styles, version };
  }
  return assets;
}

/**
 * The console's CSP: keyship's HTML page policy with styles from our origin only (the
 * console sets no inline style, unlike Swagger UI) and API calls to our origin only.
 */
function consolePolicy(): string {
  const directives = new Map<string, string>();
  for (const directive of HTML_PAGE_HEADERS["Content-Security-Policy"]?.split(";") ?? []) {
    const [name, ...sources] = directive.trim().split(/\s+/);
    if (name !== undefined && name !== "") directives.set(name, sources.join(" "));
  }
  directives.set("style-src", "'self'");
  directives.set("connect-src", "'self'");
  return [...directives].map(([name, sources]) => `${name} ${sources}`).join("; ");
}

/** The headers of the shell. */
export const CONSOLE_PAGE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  ...HTML_PAGE_HEADERS,
  "Content-Security-Policy": consolePolicy(),
  "Cache-Control": "no-store",
  "Cross-Origin-Opener-Policy": "same-origin",
});

/** Assets are versioned by their URL, so a short cache is safe. */
const ASSET_CACHE = "public, max-age=300";

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

/** The shell for a console mounted at `base` (e.g. `/admin`): styles, the script, a root. */
function shellOf(base: string, version: string): string {
  const prefix = escapeHtml(base);
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="color-scheme" content="light dark">
  <title>keyship admin</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="${prefix}/assets/console.css?v=${version}">
  <script type="module" src="${prefix}/assets/console.js?v=${version}"></script>
</head>
<body>
  <div id="app"><noscript>The keyship admin console needs JavaScript.</noscript></div>
</body>
</html>
`;
}

/**
 * The console's routes, to mount where the console lives (`createApp()` mounts them at
 * `/admin`, beside the admin API at `/admin/api`). The page finds its assets and the API
 * below the path it was served at.
 * @returns a router answering `GET /`, `GET /assets/console.js` and `GET /assets/console.css`
 * @example app.route("/admin", consoleRoutes());
 */
export function consoleRoutes(): KeyshipRouter {
  // The bundle (~220 KB) is read with the first request, not when the app is built.
  const router = createRouter();
  router.get("/", (c) => {
    const base = c.req.path.replace(/\/+$/, "");
    return c.html(shellOf(base, loadConsoleAssets().version), 200, CONSOLE_PAGE_HEADERS);
  });
  router.get("/assets/console.js", (c) =>
    c.body(loadConsoleAssets().script, 200, {
      "Content-Type": "text/javascript; charset=utf-8",
      "Cache-Control": ASSET_CACHE,
    }),
  );
  router.get("/assets/console.css", (c) =>
    c.body(loadConsoleAssets().styles, 200, {
      "Content-Type": "text/css; charset=utf-8",
      "Cache-Control": ASSET_CACHE,
    }),
  );
  return router;
}
