/**
 * create-keyship as a library: generate a project from code (the CLI is `create-keyship`).
 * @example
 * import { generateProject } from "create-keyship";
 * await generateProject({ directory: "my-app", template: "api" });
 * @module
 */
export { CreateError } from "./errors.ts";
export {
  type GeneratedProject,
  type GenerateOptions,
  generateProject,
  isEmptyDirectory,
  PACKAGE_MANAGERS,
  type PackageManager,
  TEMPLATES,
  type TemplateName,
  titleOf,
  validateName,
} from "./generate.ts";
export { detectPackageManager, installDependencies } from "./install.ts";
export { findLocalPackages, LOCAL_PACKAGES_ENV, type LocalPackages } from "./local-packages.ts";
export { type CreateIo, runCreate } from "./main.ts";
export { isNodeAtLeast, MINIMUM_NODE, nodeVersionProblem } from "./node-version.ts";
