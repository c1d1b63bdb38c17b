/**
 * The console's page and assets: the shell under the CSP of keyship's HTML pages with inline
 * styles refused too, never cached; the assets from the package; none of it in the API docs.
 */
import { readFileSync } from "node:fs";
import { OpenAPIHono } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { CONSOLE_PAGE_HEADERS, consoleRoutes } from "../../src/admin/console-route.ts";

const assetsDir = new URL("../../assets/admin/", import.meta.url);

function app() {
  const root = new OpenAPIHono();
  root.route("/admin", consoleRoutes());
  return root;
}

describe("the admin console route", () => {
  it("serves the HTML shell, never cached, under a strict CSP", async () => {
    const res = await app().request("/admin");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    const csp = res.headers.get("content-security-policy") ?? "";
    for (const directive of [
      "script-src 'self'",
      "style-src 'self'",
      "connect-src 'self'",
      "frame-ancestors 'none'",
      "object-src 'none'",
      "base-uri 'none'",
    ]) {
      expect(csp.split("; ")).toContain(directive);
    }
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).toBe(CONSOLE_PAGE_HEADERS["Content-Security-Policy"]);
  });

  it("points the shell at its assets below the mount path, with no inline script or style", async () => {
    const html = await (await app().request("/admin")).text();
    expect(html).toMatch(
      /<script type="module" src="\/admin\/assets\/console\.js\?v=[0-9a-f]{12}">/,
    );
    expect(html).toMatch(
      /<link rel="stylesheet" href="\/admin\/assets\/console\.css\?v=[0-9a-f]{12}">/,
    );
    expect(html).not.toMatch(/<script>|<style|style="/);
  });

  it.each([
    ["console.js", "text/javascript; charset=utf-8"],
    ["console.css", "text/css; charset=utf-8"],
  ])("serves %s from the package's assets/admin", async (name, type) => {
    const res = await app().request(`/admin/assets/${name}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(type);
    expect(res.headers.get("cache-control")).toBe("public, max-age=300");
    expect(await res.text()).toBe(readFileSync(new URL(name, assetsDir), "utf8"));
  });

  it("documents nothing in /openapi.json", () => {
    expect(consoleRoutes().openAPIRegistry.definitions).toEqual([]);
  });
});
