/**
 * Writes a new project from a template: copies the files, fills in the placeholders, writes
 * `.env` files with fresh secrets, and (optionally) points the keyship dependencies at local
 * package tarballs. Installs nothing; see `install.ts`.
 * @module
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { cp, mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { basename, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CreateError } from "./errors.ts";
import { findLocalPackages, type LocalPackages } from "./local-packages.ts";

/** The templates: `fullstack` (api/ + web/) or `api` (the API alone). */
export const TEMPLATES = ["fullstack", "api"] as const;
/** A template name. */
export type TemplateName = (typeof TEMPLATES)[number];

/** The package managers a project can be set up for. */
export const PACKAGE_MANAGERS = ["npm", "pnpm", "yarn", "bun"] as const;
/** A package manager name. */
export type PackageManager = (typeof PACKAGE_MANAGERS)[number];

/** Options of {@link generateProject}. */
export interface GenerateOptions {
  /** Where to write the project; created when missing. */
  readonly directory: string;
  /** The npm package name. @default the directory's base name */
  readonly name?: string;
  /** @default "fullstack" */
  readonly template?: TemplateName;
  /** Offer password sign-in next to passkeys. @default false */
  readonly passwords?: boolean;
  /** Used in the README and scripts. @default "npm" */
  readonly packageManager?: PackageManager;
  /** A directory holding `npm pack` tarballs of `keyship` and `@keyship/client`. */
  readonly localPackages?: string;
  /** Write into a non-empty directory. @default false */
  readonly force?: boolean;
  /** Called with a short line for each step. */
  readonly onProgress?: (step: string) => void;
}

/** What {@link generateProject} wrote. */
export interface GeneratedProject {
  readonly directory: string;
  readonly name: string;
  readonly template: TemplateName;
  /** Paths relative to `directory`, sorted. */
  readonly files: readonly string[];
  /** The URL to open after `npm run dev`. */
  readonly devUrl: string;
}

const TEMPLATES_DIRECTORY = fileURLToPath(new URL("../templates/", import.meta.url));

/**
 * Checks an npm package name (lowercase, URL-safe, at most 214 characters).
 * @returns a problem, or undefined when the name is valid
 * @example validateName("My App") // "use lowercase letters, digits, '-', '.', '_' or '~'"
 */
export function validateName(name: string): string | undefined {
  if (name.length === 0) return "the name is empty";
  if (name.length > 214) return "the name is longer than 214 characters";
  if (/^[._]/.test(name)) return "the name cannot start with '.' or '_'";
  if (!/^[a-z0-9][a-z0-9._~-]*$/.test(name)) {
    return "use lowercase letters, digits, '-', '.', '_' or '~'";
  }
  return undefined;
}

/** "my-app" → "My App". */
export function titleOf(name: string): string {
  return name
    .split(/[-._~]+/)
    .filter((w) => w.length > 0)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join(" ");
}

/**
 * Whether `directory` may be written: missing, or empty but for `.git`.
 * @example await isEmptyDirectory("my-app") // true when it does not exist
 */
export async function isEmptyDirectory(directory: string): Promise<boolean> {
  if (!existsSync(directory)) return true;
  const entries = await readdir(directory);
  return entries.every((entry) => entry === ".git");
}

/** How to run a workspace's script with each package manager. */
function runIn(pm: PackageManager, workspace: string, name: string): string {
  switch (pm) {
    case "npm":
      return `npm run -w ${workspace}`;
    case "pnpm":
      return `pnpm -C ${workspace} run`;
    case "yarn":
      return `yarn workspace ${name}-${workspace} run`;
    case "bun":
      return `bun run --cwd ${workspace}`;
  }
}

function fill(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/\{\{(\w+)\}\}/g, (match, key: string) => values[key] ?? match);
}

async function listFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(directory, join(e.parentPath, e.name)))
    .sort();
}

function secret(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * Generates a project.
 * @throws CreateError on an invalid name, a non-empty directory without `force`, or local
 *   packages that cannot be found
 * @example
 * await generateProject({ directory: "my-app", template: "fullstack" });
 */
export async function generateProject(options: GenerateOptions): Promise<GeneratedProject> {
  const plan = await planProject(options);
  await copyTemplate(plan);
  await fillTemplate(plan);
  await writeEnvFiles(plan);
  if (plan.local !== undefined) await useLocalPackages(plan, plan.local);
  const { directory, name, template, origin } = plan;
  return { directory, name, template, files: await listFiles(directory), devUrl: origin };
}

/** {@link GenerateOptions}, checked and with the defaults applied: what each step needs. */
interface ProjectPlan {
  readonly directory: string;
  readonly name: string;
  readonly template: TemplateName;
  readonly pm: PackageManager;
  readonly progress: (step: string) => void;
  readonly local: LocalPackages | undefined;
  readonly isFullstack: boolean;
  /** Where the API goes: `api/` of a fullstack project, else the project itself. */
  readonly apiDirectory: string;
  /** The URL the app is served on in development. */
  readonly origin: string;
  /** The values of the templates' `{{placeholders}}`. */
  readonly values: Readonly<Record<string, string>>;
}

/**
 * Checks the options and works out the plan; writes nothing.
 * @throws CreateError as {@link generateProject} does
 */
async function planProject(options: GenerateOptions): Promise<ProjectPlan> {
  const directory = resolve(options.directory);
  const name = options.name ?? basename(directory);
  const template = options.template ?? "fullstack";
  const pm = options.packageManager ?? "npm";
  const progress = options.onProgress ?? (() => {});
  const problem = validateName(name);
  if (problem !== undefined) throw new CreateError(`invalid project name '${name}': ${problem}`);
  if (!TEMPLATES.includes(template)) {
    throw new CreateError(`unknown template '${template}' (expected: ${TEMPLATES.join(", ")})`);
  }
  if (!(options.force ?? false) && !(await isEmptyDirectory(directory))) {
    throw new CreateError(
      `${directory} is not empty; choose another directory or pass --force to write into it`,
    );
  }
  const local: LocalPackages | undefined =
    options.localPackages === undefined ? undefined : findLocalPackages(options.localPackages);

  const isFullstack = template === "fullstack";
  const apiDirectory = isFullstack ? join(directory, "api") : directory;
  const origin = isFullstack ? "http://localhost:5173" : "http://localhost:8787";
  const values: Record<string, string> = {
    name,
    title: titleOf(name),
    pm,
    runApi: runIn(pm, "api", name),
    runWeb: runIn(pm, "web", name),
    passwords: String(options.passwords ?? false),
    origin,
  };
  return {
    directory,
    name,
    template,
    pm,
    progress,
    local,
    isFullstack,
    apiDirectory,
    origin,
    values,
  };
}

/** Creates the directory and copies the template's files into it. */
async function copyTemplate(plan: ProjectPlan): Promise<void> {
  const { directory, name, template, isFullstack, apiDirectory } = plan;
  plan.progress(`Creating ${name} from the ${template} template in ${directory}`);
  await mkdir(directory, { recursive: true });
  if (isFullstack) {
    await cp(join(TEMPLATES_DIRECTORY, "fullstack"), directory, { recursive: true, force: true });
  } else {
    await cp(join(TEMPLATES_DIRECTORY, "fullstack", "api"), directory, {
      recursive: true,
      force: true,
    });
    await cp(join(TEMPLATES_DIRECTORY, "api"), directory, { recursive: true, force: true });
  }
  // npm pack drops .gitignore files, so templates ship them as `gitignore`.
  await rename(join(directory, "gitignore"), join(directory, ".gitignore"));
  if (isFullstack) await rm(join(apiDirectory, "README.md"), { force: true });
}

/** Fills in the placeholders of every copied file, and the package manager's extras. */
async function fillTemplate(plan: ProjectPlan): Promise<void> {
  const { directory, name, pm, isFullstack } = plan;
  plan.progress("Filling in names and settings");
  for (const file of await listFiles(directory)) {
    const path = join(directory, file);
    const text = await readFile(path, "utf8");
    const filled = fill(text, plan.values);
    if (filled !== text) await writeFile(path, filled);
  }
  if (!isFullstack) await patchJson(join(directory, "package.json"), (pkg) => ({ ...pkg, name }));
  if (pm === "pnpm" && isFullstack) {
    await writeFile(join(directory, "pnpm-workspace.yaml"), "packages:\n  - api\n  - web\n");
  }
}

/** Writes the API's `.env` (from `.env.example`, with a fresh secret) and the web app's. */
async function writeEnvFiles(plan: ProjectPlan): Promise<void> {
  const { directory, isFullstack, apiDirectory, values } = plan;
  plan.progress("Writing .env with fresh secrets");
  const example = await readFile(join(apiDirectory, ".env.example"), "utf8");
  const env = example
    .replace(/^# keyship settings.*$/m, "# keyship settings and secrets. Never commit this file.")
    .replace(/^KEYSHIP_SESSION_SECRET=$/m, `KEYSHIP_SESSION_SECRET=${secret()}`);
  await writeFile(join(apiDirectory, ".env"), env, { mode: 0o600 });
  if (isFullstack) {
    await writeFile(
      join(directory, "web", ".env"),
      [
        "# Read by Vite; only VITE_* variables reach the browser.",
        `VITE_PASSWORDS=${values.passwords}`,
        "# true offers 'Email me a recovery link' (set KEYSHIP_RECOVERY_EMAIL_ENABLED in api/.env too).",
        "VITE_RECOVERY_EMAIL=false",
        "",
      ].join("\n"),
    );
  }
}

/** Points the keyship dependencies at the tarballs in `local`. */
async function useLocalPackages(plan: ProjectPlan, local: LocalPackages): Promise<void> {
  const { directory, isFullstack, apiDirectory } = plan;
  plan.progress(`Using local packages from ${local.directory}`);
  await patchJson(join(apiDirectory, "package.json"), (pkg) =>
    withDependency(pkg, "keyship", `file:${local.keyship}`),
  );
  if (isFullstack) {
    await patchJson(join(directory, "web", "package.json"), (pkg) =>
      withDependency(pkg, "@keyship/client", `file:${local.client}`),
    );
  }
}

type PackageJson = Record<string, unknown> & { dependencies?: Record<string, string> };

function withDependency(pkg: PackageJson, name: string, spec: string): PackageJson {
  return { ...pkg, dependencies: { ...pkg.dependencies, [name]: spec } };
}

async function patchJson(path: string, patch: (pkg: PackageJson) => PackageJson): Promise<void> {
  const pkg = JSON.parse(await readFile(path, "utf8")) as PackageJson;
  await writeFile(path, `${JSON.stringify(patch(pkg), null, 2)}\n`);
}
