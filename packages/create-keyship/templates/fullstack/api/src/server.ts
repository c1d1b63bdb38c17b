/**
 * Starts the API. In development Vite serves the web app and proxies /api and /auth here;
 * after `npm run build` this process also serves web/dist itself.
 */
import { fileURLToPath } from "node:url";
import { listen } from "keyship";
import { createApiOrExit, exitOnConfigError } from "./app.ts";
import { serveWeb } from "./web.ts";

const app = createApiOrExit();
const hasWeb = serveWeb(app, fileURLToPath(new URL("../../web/dist/", import.meta.url)));
const { url } = await listen(app).catch(exitOnConfigError);
console.log(`API listening on ${url}${hasWeb ? " (also serving web/dist)" : ""}`);
