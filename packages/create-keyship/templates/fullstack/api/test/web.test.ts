/**
 * The built web app served from the API's origin: browser navigations get `index.html`, files
 * are served as they are, and nothing else is shadowed (a JSON client gets the 404 problem).
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { createLogger } from "keyship/observability";
import { createApi } from "../src/app.ts";
import { serveWeb } from "../src/web.ts";

const dist = mkdtempSync(join(tmpdir(), "web-dist-"));
mkdirSync(join(dist, "assets"));
writeFileSync(join(dist, "index.html"), "<!doctype html><title>app</title>");
writeFileSync(join(dist, "assets", "app.js"), "console.log('app')");

const app = createApi({
  databaseUrl: "sqlite::memory:",
  envFile: false,
  processEnv: {},
  logger: createLogger("silent"),
});
assert.equal(serveWeb(app, dist), true);
after(() => app.keyship.close());

const HTML = "text/html,application/xhtml+xml,*/*;q=0.8";
const get = (path: string, accept?: string) =>
  app.request(path, accept === undefined ? {} : { headers: { accept } });

async function expectNotFound(response: Response): Promise<void> {
  assert.equal(response.status, 404);
  assert.match(response.headers.get("content-type") ?? "", /application\/problem\+json/);
  assert.equal(((await response.json()) as { code: string }).code, "route.not_found");
}

describe("the web app", () => {
  it("answers a browser navigation to a client route with index.html", async () => {
    const response = await get("/settings/security", HTML);
    assert.equal(response.status, 200);
    assert.match(await response.text(), /<title>app<\/title>/);
  });

  it("serves built assets, cached for good", async () => {
    const response = await get("/assets/app.js");
    assert.equal(response.status, 200);
    assert.match(response.headers.get("cache-control") ?? "", /immutable/);
  });

  it("gives a JSON client the 404 problem, not index.html", async () => {
    await expectNotFound(await get("/settings", "application/json"));
    await expectNotFound(await get("/settings"));
  });

  it("never shadows the API, even for a browser", async () => {
    await expectNotFound(await get("/api/nope", HTML));
    await expectNotFound(await get("/auth/nope", HTML));
  });

  it("stays inside its directory and survives broken escapes", async () => {
    const traversal = await get("/..%2f..%2fetc%2fpasswd", "application/json");
    await expectNotFound(traversal);
    await expectNotFound(await get("/%E0%A4%A", "application/json"));
  });
});
