/**
 * The repo's demo: the app `npm create keyship` generates (its `fullstack` template), API and
 * web app served together from one origin on embedded SQLite.
 * Run with `npm start` from the repository root, then open http://localhost:8787.
 */
import { listen } from "keyship";
import {
  createApiOrExit,
  exitOnConfigError,
} from "../../packages/create-keyship/templates/fullstack/api/src/app.ts";
import { wantsAppShell } from "../../packages/create-keyship/templates/fullstack/api/src/web.ts";
import { buildDemoWeb } from "./web.ts";

const app = createApiOrExit();
const web = await buildDemoWeb();

// Static files of the web app; a browser navigating to any other path outside the API gets the
// app itself (client routes). Other clients (a fetch of JSON) get the 404 problem.
app.get("*", (c, next) => {
  const path = new URL(c.req.url).pathname;
  if (/^\/(api|auth|health|docs|openapi\.json)(\/|$)/.test(path)) return next();
  const shell = wantsAppShell(c.req.header("accept")) ? web.files.get("/") : undefined;
  const file = web.files.get(path) ?? shell;
  if (file === undefined) return next();
  return c.body(file.body, 200, { "content-type": file.type, "cache-control": "no-cache" });
});

const { url } = await listen(app).catch(exitOnConfigError);
console.log(`keyship demo running at ${url}  (API docs: ${url}/docs)`);
