/**
 * The repo's demo: keyship on embedded SQLite with one protected route.
 * Run with `npm start` from the repository root, then open http://localhost:8787.
 */
import { createApp, listen } from "keyship";

const app = createApp();

app.get("/", (c) =>
  c.html(
    `<!doctype html><title>keyship demo</title><h1>keyship demo</h1><p>API docs: <a href="/docs">/docs</a> · health: <a href="/health">/health</a></p>`,
  ),
);

const { url } = await listen(app);
console.log(`keyship demo running at ${url}  (API docs: ${url}/docs)`);
