/**
 * The repo's demo: the app `npm create keyship` generates (its `fullstack` template), API and
 * web app served together from one origin on embedded SQLite.
 * Run with `npm start` from the repository root, then open http://localhost:8787.
 */
import { listen } from "keyship";
import { createApi } from "../../packages/create-keyship/templates/fullstack/api/src/app.ts";
import { buildDemoWeb } from "./web.ts";

const app = createApi();
const web = await buildDemoWeb();

// Static files of the web app; any other GET outside the API is the app itself (client routes).
app.get("*", (c, next) => {
  const path = new URL(c.req.url).pathname;
  if (/^\/(api|auth|health|docs|openapi\.json)(\/|$)/.test(path)) return next();
  const file = web.files.get(path) ?? (web.files.has(path) ? undefined : web.files.get("/"));
  if (file === undefined) return next();
  return c.body(file.body, 200, { "content-type": file.type, "cache-control": "no-cache" });
});

const { url } = await listen(app);
console.log(`keyship demo running at ${url}  (API docs: ${url}/docs)`);
if (!web.isReactApp) {
  console.log("React is not installed here, so the page shows how to generate the full app.");
}
