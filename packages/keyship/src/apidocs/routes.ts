/**
 * `/openapi.json` (generated from the zod route definitions) and `/docs` (Swagger UI served
 * from the `swagger-ui-dist` package: no CDN, works offline).
 * @module
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { HTML_PAGE_HEADERS } from "../http/secure-headers.ts";
import type { KeyshipEnv } from "../http/variables.ts";
import { finishDocument, type OpenApiInfo } from "./document.ts";

const ASSETS = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
} as const;

type Asset = keyof typeof ASSETS;

function assetDir(): string {
  return dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
}

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>keyship API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/assets/init.js"></script>
</body>
</html>`;

const INIT = `window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true });`;

type DocumentConfig = Parameters<OpenAPIHono["getOpenAPI31Document"]>[0];

/** What the served document says about the API. */
export interface DocsOptions {
  /** The document's `info`: the API's title, version, license… */
  readonly info: OpenApiInfo;
  /** The name of the session's access-token cookie (the cookie security scheme). */
  readonly accessCookie: string;
}

/**
 * Mounts `/openapi.json` and `/docs` on `app`. The document is generated on first request
 * (every route is registered by then: Hono refuses new ones once it has served a request) and
 * completed by `finishDocument()`; assets are read from disk once, on first use.
 * @param app the root app
 * @param options the document's info and the cookie scheme's name
 */
export function mountDocs(app: OpenAPIHono<KeyshipEnv>, options: DocsOptions): void {
  let document: string | undefined;
  app.get("/openapi.json", (c) => {
    document ??= JSON.stringify(
      finishDocument(
        app.getOpenAPI31Document({
          openapi: "3.1.0",
          info: structuredClone(options.info) as DocumentConfig["info"],
        }),
        options.accessCookie,
      ),
    );
    return c.body(document, 200, { "Content-Type": "application/json" });
  });
  const cache = new Map<Asset, string>();
  const load = (name: Asset): string => {
    let text = cache.get(name);
    if (text === undefined) {
      text = readFileSync(join(assetDir(), name), "utf8");
      cache.set(name, text);
    }
    return text;
  };
  app.get("/docs", (c) => c.html(PAGE, 200, HTML_PAGE_HEADERS));
  app.get("/docs/assets/init.js", (c) =>
    c.body(INIT, 200, { "Content-Type": "text/javascript; charset=utf-8" }),
  );
  for (const name of Object.keys(ASSETS) as Asset[]) {
    app.get(`/docs/assets/${name}`, (c) =>
      c.body(load(name), 200, {
        "Content-Type": ASSETS[name],
        "Cache-Control": "public, max-age=86400",
      }),
    );
  }
}
