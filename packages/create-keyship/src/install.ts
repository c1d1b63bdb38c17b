/**
 * Installing a generated project's dependencies with the chosen package manager.
 * @module
 */
import { spawn } from "node:child_process";
import type { PackageManager } from "./generate.ts";

/**
 * Runs `<pm> install` in `directory`, its output going to this process's stderr.
 * @returns the exit code (0 on success)
 * @example await installDependencies("my-app", "npm")
 */
export function installDependencies(directory: string, pm: PackageManager): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(pm, ["install"], {
      cwd: directory,
      stdio: ["ignore", "inherit", "inherit"],
      shell: process.platform === "win32",
    });
    child.once("error", () => resolve(127));
    child.once("exit", (code) => resolve(code ?? 1));
  });
}

/** The package manager that runs this process (`npm create`, `pnpm create`, …), if any. */
export function detectPackageManager(
  userAgent = process.env.npm_config_user_agent,
): PackageManager | undefined {
  const name = userAgent?.split("/")[0];
  return name === "npm" || name === "pnpm" || name === "yarn" || name === "bun" ? name : undefined;
}
