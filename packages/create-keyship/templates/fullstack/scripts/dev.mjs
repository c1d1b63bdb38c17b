// `npm run dev`: the API (node --watch) and the web app (Vite) together. Open the web app's
// URL: Vite proxies /api and /auth to the API, so the browser sees one origin.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const web = join(root, "web");
const viteBin = join(
  dirname(createRequire(join(web, "package.json")).resolve("vite/package.json")),
  "bin/vite.js",
);
const webPort = process.env.WEB_PORT ?? "5173";

const children = [
  run("api", [process.execPath, "--watch-path=src", "src/server.ts"], join(root, "api")),
  run("web", [process.execPath, viteBin, "--port", webPort, "--strictPort"], web),
];

function run(name, [command, ...args], cwd) {
  const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"], env: process.env });
  const prefix = name === "api" ? "\x1b[35m[api]\x1b[0m " : "\x1b[36m[web]\x1b[0m ";
  for (const stream of [child.stdout, child.stderr]) {
    let rest = "";
    stream.on("data", (chunk) => {
      const lines = (rest + chunk).split("\n");
      rest = lines.pop() ?? "";
      for (const line of lines) process.stdout.write(`${prefix}${line}\n`);
    });
  }
  child.on("exit", (code) => {
    process.stdout.write(`${prefix}exited (${code ?? "signal"})\n`);
    stop(code ?? 1);
  });
  return child;
}

let stopping = false;
function stop(code) {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
  setTimeout(() => process.exit(code), 500).unref();
}

process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));
console.log(
  `Starting… open http://localhost:${webPort} (API docs: http://localhost:${webPort}/docs)`,
);
