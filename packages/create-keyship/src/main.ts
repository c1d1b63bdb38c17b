#!/usr/bin/env node
/**
 * `npm create keyship@latest my-app`: asks what is missing (or takes flags, for unattended
 * runs), writes the project, installs its dependencies and says how to start it.
 * @module
 */
import { realpathSync } from "node:fs";
import { basename, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { CreateError } from "./errors.ts";
import {
  generateProject,
  isEmptyDirectory,
  PACKAGE_MANAGERS,
  type PackageManager,
  TEMPLATES,
  type TemplateName,
  validateName,
} from "./generate.ts";
import { detectPackageManager, installDependencies } from "./install.ts";
import { LOCAL_PACKAGES_ENV } from "./local-packages.ts";
import { nodeVersionProblem } from "./node-version.ts";
import { createPrompter, type Prompter } from "./prompts.ts";

const HELP = `create-keyship — a new app that signs in with passkeys

Usage:
  npm create keyship@latest [directory] [-- flags]
  create-keyship [directory] [flags]

Flags:
  --template, -t fullstack|api   fullstack: api/ (Hono + keyship) and web/ (Vite + React);
                                 api: the API alone                      [fullstack]
  --passwords / --no-passwords   offer password sign-in next to passkeys  [no]
  --package-manager, --pm NAME   npm, pnpm, yarn or bun                   [the one running this]
  --no-install                   write the files only
  --yes, -y                      take the defaults for everything not given; never ask
  --force                        write into a non-empty directory
  --local-packages DIR           depend on npm pack tarballs of keyship and @keyship/client
                                 in DIR (or set ${LOCAL_PACKAGES_ENV}=DIR)
  --help, -h                     this help

Without a terminal (CI), it never asks: flags and defaults decide.`;

/** Output and environment of one run, so tests can capture them. */
export interface CreateIo {
  out(line: string): void;
  err(line: string): void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Whether questions may be asked (stdin and stdout are a terminal). */
  readonly isInteractive: boolean;
  /** Creates the prompter when questions are needed. */
  prompter(): Prompter;
}

const processIo: CreateIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
  cwd: process.cwd(),
  isInteractive: process.stdin.isTTY === true && process.stdout.isTTY === true,
  prompter: () => createPrompter(),
};

function isOneOf<T extends string>(value: string, list: readonly T[]): value is T {
  return (list as readonly string[]).includes(value);
}

/**
 * Runs create-keyship with `argv` (without the node and script paths).
 * @returns the exit code: 0 done, 1 failure (e.g. a non-empty directory), 2 wrong command line
 */
export async function runCreate(
  argv: readonly string[],
  io: CreateIo = processIo,
): Promise<number> {
  const command = readCommandLine(argv, io);
  if (typeof command === "number") return command;

  const willAsk = io.isInteractive && !command.flags.yes;
  const prompter = willAsk ? io.prompter() : undefined;
  try {
    const settings = await askSettings(command, io, prompter);
    prompter?.close();
    return await createProject(command, settings, io);
  } catch (error) {
    prompter?.close();
    if (error instanceof CreateError) {
      io.err(`error: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

/** The command line, parsed and checked. */
interface CommandLine {
  readonly flags: ReturnType<typeof parse>["values"];
  /** The directory argument, when given. */
  readonly directory: string | undefined;
  readonly template: TemplateName | undefined;
  /** `--package-manager` or `--pm`. */
  readonly packageManager: PackageManager | undefined;
}

/** What the project will be, from the flags, the answers and the defaults. */
interface CreateSettings {
  /** The absolute directory to write to. */
  readonly directory: string;
  readonly name: string;
  readonly template: TemplateName;
  readonly passwords: boolean;
  readonly packageManager: PackageManager;
  readonly force: boolean;
}

/**
 * Parses and checks `argv`. When the run ends here (help, or a wrong command line), prints
 * what to print and returns the exit code instead.
 */
function readCommandLine(argv: readonly string[], io: CreateIo): CommandLine | number {
  let values: ReturnType<typeof parse>["values"];
  let positionals: string[];
  try {
    ({ values, positionals } = parse(argv));
  } catch (error) {
    io.err(`error: ${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    io.out(HELP);
    return 0;
  }
  if (positionals.length > 1) {
    io.err(`error: one directory only (got ${positionals.join(", ")})\n\n${HELP}`);
    return 2;
  }
  if (values.template !== undefined && !isOneOf(values.template, TEMPLATES)) {
    io.err(`error: --template must be one of ${TEMPLATES.join(", ")}`);
    return 2;
  }
  const pmFlag = values["package-manager"] ?? values.pm;
  if (pmFlag !== undefined && !isOneOf(pmFlag, PACKAGE_MANAGERS)) {
    io.err(`error: --package-manager must be one of ${PACKAGE_MANAGERS.join(", ")}`);
    return 2;
  }
  return {
    flags: values,
    directory: positionals[0],
    template: values.template as TemplateName | undefined,
    packageManager: pmFlag as PackageManager | undefined,
  };
}

/** Settles each setting: its flag, else the prompter's answer (when asking), else the default. */
async function askSettings(
  command: CommandLine,
  io: CreateIo,
  prompter: Prompter | undefined,
): Promise<CreateSettings> {
  const directoryAnswer =
    command.directory ??
    (prompter === undefined
      ? "my-keyship-app"
      : await prompter.text("Project name:", "my-keyship-app", validateName));
  const directory = resolve(io.cwd, directoryAnswer);
  const name = basename(directory);
  const template: TemplateName =
    command.template ??
    (await prompter?.choose("Template:", TEMPLATES, "fullstack")) ??
    "fullstack";
  const passwords =
    command.flags.passwords ??
    (await prompter?.confirm("Offer password sign-in next to passkeys?", false)) ??
    false;
  const detected = detectPackageManager(io.env.npm_config_user_agent) ?? "npm";
  const packageManager: PackageManager =
    command.packageManager ??
    (await prompter?.choose("Package manager:", PACKAGE_MANAGERS, detected)) ??
    detected;
  let force = command.flags.force ?? false;
  if (!force && !(await isEmptyDirectory(directory)) && prompter !== undefined) {
    force = await prompter.confirm(`${directoryAnswer} is not empty. Write into it anyway?`, false);
  }
  return { directory, name, template, passwords, packageManager, force };
}

/** Writes the project, installs its dependencies unless `--no-install`, and says what next. */
async function createProject(
  command: CommandLine,
  settings: CreateSettings,
  io: CreateIo,
): Promise<number> {
  const { directory, packageManager } = settings;
  const localPackages = command.flags["local-packages"] ?? io.env[LOCAL_PACKAGES_ENV];
  const project = await generateProject({
    ...settings,
    onProgress: (step) => io.out(`◇ ${step}`),
    ...(localPackages === undefined ? {} : { localPackages: resolve(io.cwd, localPackages) }),
  });
  io.out(`◇ Wrote ${project.files.length} files`);

  const shouldInstall = command.flags.install ?? true;
  if (shouldInstall) {
    io.out(`◇ Installing dependencies with ${packageManager} (this takes a minute)…`);
    const code = await installDependencies(directory, packageManager);
    if (code !== 0) {
      io.err(`${packageManager} install failed (exit ${code}); run it again in ${directory}`);
      return 1;
    }
  }
  printNextSteps(io, settings, shouldInstall, project.devUrl);
  return 0;
}

/** Prints how to start the new project. */
function printNextSteps(
  io: CreateIo,
  { directory, packageManager }: CreateSettings,
  installed: boolean,
  devUrl: string,
): void {
  const shown = relative(io.cwd, directory) || ".";
  io.out("");
  io.out(`Done. Next:`);
  if (shown !== ".") io.out(`  cd ${shown}`);
  if (!installed) io.out(`  ${packageManager} install`);
  io.out(`  ${packageManager} run dev     # then open ${devUrl}`);
  io.out(`  ${packageManager} test`);
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    allowNegative: true,
    options: {
      template: { type: "string", short: "t" },
      passwords: { type: "boolean" },
      "package-manager": { type: "string" },
      pm: { type: "string" },
      install: { type: "boolean" },
      yes: { type: "boolean", short: "y" },
      force: { type: "boolean" },
      "local-packages": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
}

const isMain =
  process.argv[1] !== undefined && import.meta.filename === realpathSync(process.argv[1]);
if (isMain) {
  const problem = nodeVersionProblem(process.version);
  if (problem === undefined) process.exitCode = await runCreate(process.argv.slice(2));
  else {
    process.stderr.write(`error: ${problem}\n`);
    process.exitCode = 1;
  }
}
