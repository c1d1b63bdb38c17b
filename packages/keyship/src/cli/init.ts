/**
 * `keyship init`: sets up keyship in an existing Hono project — writes `.env` (with freshly
 * generated secrets) and `.env.example` (the same variables, no secrets), then prints the few
 * lines to add to the app.
 * @module
 */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { formatEnvValue } from "./envfile.ts";
import { callbackLines, oauthVariables } from "./init-oauth.ts";
import { type CliIo, UsageError } from "./io.ts";

/** Options of the init command. */
export interface InitArgs {
  /** Overwrite an existing `.env` (and `.env.example`). */
  readonly force: boolean;
  /** The web app's origin. @default "http://localhost:8787" */
  readonly origin: string | undefined;
  /** KEYSHIP_DATABASE_URL. @default "sqlite:./keyship.db" */
  readonly database: string | undefined;
  /** Sign-in presets whose variables to add (`--oauth github`, repeatable). @default [] */
  readonly oauth?: readonly string[] | undefined;
}

/** One variable written by init: its comment, and its value (`secret` ones stay out of .env.example). */
interface InitVariable {
  readonly name: string;
  readonly comment: string;
  readonly value: string;
  readonly isSecret: boolean;
}

const APP_LINES = `Add keyship to your Hono app:

  import { keyship, requireUser } from "keyship";

  const auth = await keyship();             // reads .env; runs migrations
  app.route("/auth", auth.routes);           // passkey sign-up, sign-in, devices
  app.use("/api/*", auth.authenticate());    // sets c.var.principal
  app.get("/api/me", requireUser(), (c) => c.json(c.var.principal));

In the browser: npm install @keyship/client (see docs/client.md).
Check the setup any time with: npx keyship doctor`;

function secret(): string {
  return randomBytes(32).toString("base64url");
}

function variables(args: InitArgs): InitVariable[] {
  const origin = new URL(args.origin ?? "http://localhost:8787");
  return [
    {
      name: "KEYSHIP_DATABASE_URL",
      comment: "Where keyship keeps users, passkeys and devices (sqlite:… or postgres://…).",
      value: args.database ?? "sqlite:./keyship.db",
      isSecret: false,
    },
    {
      name: "KEYSHIP_RP_ID",
      comment: "The domain your users see; passkeys are bound to it.",
      value: origin.hostname,
      isSecret: false,
    },
    {
      name: "KEYSHIP_ORIGIN",
      comment: "The exact origin(s) of your web app, comma-separated.",
      value: origin.origin,
      isSecret: false,
    },
    {
      name: "KEYSHIP_SESSION_SECRET",
      comment: "HMAC secret for server-issued tokens (keyship keygen --type secret).",
      value: secret(),
      isSecret: true,
    },
    {
      name: "KEYSHIP_METRICS_TOKEN",
      comment: "Bearer token that protects /metrics.",
      value: secret(),
      isSecret: true,
    },
  ];
}

function render(vars: readonly InitVariable[], withSecrets: boolean): string {
  const header = withSecrets
    ? "# keyship settings. Secrets: never commit this file.\n"
    : "# keyship settings. Copy to .env and fill in the secrets (npx keyship keygen --type secret --dotenv .env).\n";
  const body = vars
    .map(
      (v) =>
        `# ${v.comment}\n${v.name}=${withSecrets || !v.isSecret ? formatEnvValue(v.value) : ""}\n`,
    )
    .join("\n");
  return `${header}\n${body}`;
}

/**
 * Runs `keyship init [--force] [--origin URL] [--database URL] [--oauth PRESET…]` in `io.cwd`.
 * @returns 0 when written; 1 when `.env` exists and `--force` was not given
 * @throws UsageError on an invalid `--origin` or an `--oauth` that names no preset
 */
export function runInit(args: InitArgs, io: CliIo): number {
  if (args.origin !== undefined && !URL.canParse(args.origin)) {
    throw new UsageError(`--origin '${args.origin}' is not a URL (e.g. http://localhost:5173)`);
  }
  const envPath = join(io.cwd, ".env");
  const examplePath = join(io.cwd, ".env.example");
  if (existsSync(envPath) && !args.force) {
    io.err(".env already exists; nothing was written. Run 'keyship init --force' to replace it,");
    io.err("or 'keyship keygen --type secret --dotenv .env' to add or rotate one secret.");
    return 1;
  }
  const vars = [...variables(args), ...oauthVariables(args.oauth ?? [])];
  writeFileSync(envPath, render(vars, true), { mode: 0o600 });
  io.out("wrote .env (with new secrets)");
  if (existsSync(examplePath) && !args.force) {
    io.out("kept .env.example (it exists; --force replaces it)");
  } else {
    writeFileSync(examplePath, render(vars, false));
    io.out("wrote .env.example (no secrets; commit this one)");
  }
  if (!isIgnored(io.cwd, ".env")) {
    io.out("note: add .env to .gitignore so its secrets stay out of git");
  }
  if (!dependsOnHono(io.cwd)) {
    io.out("note: no package.json with a 'hono' dependency here; npm install hono keyship");
  }
  for (const line of callbackLines(
    args.oauth ?? [],
    new URL(args.origin ?? "http://localhost:8787").origin,
  )) {
    io.out(line);
  }
  io.out("");
  io.out(APP_LINES);
  return 0;
}

function isIgnored(cwd: string, name: string): boolean {
  const path = join(cwd, ".gitignore");
  if (!existsSync(path)) return false;
  return readFileSync(path, "utf8")
    .split(/\r?\n/)
    .some((line) => line.trim() === name || line.trim() === `/${name}` || line.trim() === ".env*");
}

function dependsOnHono(cwd: string): boolean {
  const path = join(cwd, "package.json");
  if (!existsSync(path)) return false;
  try {
    const pkg = JSON.parse(readFileSync(path, "utf8")) as Record<string, Record<string, string>>;
    return pkg.dependencies?.hono !== undefined || pkg.devDependencies?.hono !== undefined;
  } catch {
    return false;
  }
}
