// `npm run dev`: the API (node --watch) and the web app (Vite) together. Open the web app's
// URL: Vite proxies /api and /auth to the API, so the browser sees one origin.
//
// Vite starts only once the API listens, so it never proxies to whatever else holds the API's
// port; if the API cannot start (port taken, bad settings), everything stops with the reason.
import "../api/scripts/check-node.mjs";
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseEnv } from "node:util";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const api = join(root, "api");
const web = join(root, "web");

// The API reads api/.env itself; the ports must be the same for the check and for Vite.
const apiEnvFile = join(api, ".env");
const apiEnv = existsSync(apiEnvFile) ? parseEnv(readFileSync(apiEnvFile, "utf8")) : {};
const apiPort = process.env.KEYSHIP_PORT ?? apiEnv.KEYSHIP_PORT ?? "8787";
const apiHost = process.env.KEYSHIP_HOST ?? apiEnv.KEYSHIP_HOST ?? "127.0.0.1";
const webPort = process.env.WEB_PORT ?? "5173";
const env = { ...process.env, KEYSHIP_PORT: apiPort, WEB_PORT: webPort };
// The children write into our pipes, not to the terminal: say what the terminal can do, so the
// API logs readable lines (KEYSHIP_LOG_FORMAT) and both keep their colours.
if (process.stdout.isTTY) {
  env.KEYSHIP_LOG_FORMAT ??= apiEnv.KEYSHIP_LOG_FORMAT ?? "pretty";
  env.FORCE_COLOR ??= "1";
}

const API_COLOR = "\x1b[35m[api]\x1b[0m ";
const WEB_COLOR = "\x1b[36m[web]\x1b[0m ";
/** The line api/src/server.ts prints once it listens. */
const API_READY = /API listening on /;
/** What `node --watch` prints when the program exits with an error. */
const API_FAILED = /^Failed running /;

/** Resolves with undefined when `port` is free on `host`, else with the error's code. */
function portProblem(port, host) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", (error) => resolve(error.code ?? "an error"));
    server.listen({ port: Number(port), host, exclusive: true }, () =>
      server.close(() => resolve(undefined)),
    );
  });
}

/** Prints `message` and exits with `code`, stopping whatever runs. */
function fail(message, code = 1) {
  process.stderr.write(`\n\x1b[31m✖\x1b[0m ${message}\n\n`);
  stop(code);
}

function portMessage(what, port, variable, problem) {
  return problem === "EADDRINUSE"
    ? `Port ${port} (${what}) is already in use by another program. Stop it, or use another ` +
        `port: ${variable}=<port> npm run dev` +
        (variable === "WEB_PORT" ? " (and change KEYSHIP_ORIGIN in api/.env to match)." : ".")
    : `Port ${port} (${what}) cannot be used (${problem}). Choose another with ${variable}.`;
}

const children = [];
let stopping = false;
let apiReady = false;

function stop(code) {
  if (stopping) return;
  stopping = true;
  process.exitCode = code;
  for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
  setTimeout(() => process.exit(code), 1000).unref();
}

function run(prefix, [command, ...args], cwd, onLine) {
  const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"], env });
  children.push(child);
  for (const stream of [child.stdout, child.stderr]) {
    let rest = "";
    stream.on("data", (chunk) => {
      const lines = (rest + chunk).split("\n");
      rest = lines.pop() ?? "";
      for (const line of lines) {
        process.stdout.write(`${prefix}${line}\n`);
        onLine?.(line);
      }
    });
  }
  child.on("exit", (code) => {
    if (stopping) return;
    process.stdout.write(`${prefix}exited (${code ?? "signal"})\n`);
    stop(code ?? 1);
  });
  return child;
}

function startWeb() {
  const viteBin = join(
    dirname(createRequire(join(web, "package.json")).resolve("vite/package.json")),
    "bin/vite.js",
  );
  run(WEB_COLOR, [process.execPath, viteBin, "--port", webPort, "--strictPort"], web);
  console.log(
    `Ready: open http://localhost:${webPort} (API docs: http://localhost:${webPort}/docs)`,
  );
}

process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));

const [apiProblem, webProblem] = await Promise.all([
  portProblem(apiPort, apiHost),
  portProblem(webPort, "localhost"),
]);
if (apiProblem !== undefined) {
  fail(portMessage("the API, KEYSHIP_PORT", apiPort, "KEYSHIP_PORT", apiProblem));
} else if (webProblem !== undefined) {
  fail(portMessage("the web app, WEB_PORT", webPort, "WEB_PORT", webProblem));
} else {
  console.log(`Starting the API on port ${apiPort}…`);
  run(API_COLOR, [process.execPath, "--watch-path=src", "src/server.ts"], api, (line) => {
    if (!apiReady && API_READY.test(line)) {
      apiReady = true;
      startWeb();
    } else if (!apiReady && API_FAILED.test(line)) {
      // node --watch would wait for a change; at startup, nothing would ever answer.
      fail("The API did not start (see its error above). Fix it, then run npm run dev again.");
    }
  });
}
