/**
 * The Node.js version check `create-keyship` runs before anything else, so an old Node says
 * what to do instead of failing later with an obscure error.
 * @module
 */

/** The oldest Node.js `create-keyship` runs on (its `engines` field says the same). */
export const MINIMUM_NODE = "22.12.0";

function parts(version: string): [number, number, number] {
  const [major = 0, minor = 0, patch = 0] = version
    .replace(/^v/, "")
    .split(".")
    .map((part) => Number.parseInt(part, 10) || 0);
  return [major, minor, patch];
}

/**
 * Whether `version` is at least `minimum` (both `22.12.0` or `v22.12.0`).
 * @example isNodeAtLeast("v20.20.2", "22.12.0") // false
 */
export function isNodeAtLeast(version: string, minimum: string): boolean {
  const have = parts(version);
  const need = parts(minimum);
  for (let i = 0; i < 3; i++) {
    if (have[i]! !== need[i]!) return have[i]! > need[i]!;
  }
  return true;
}

/**
 * The message for a Node.js older than {@link MINIMUM_NODE}, or undefined when it is recent
 * enough.
 * @param version the running version, e.g. `process.version`
 * @example nodeVersionProblem("v20.20.2") // "create-keyship needs Node.js 22.12 or newer …"
 */
export function nodeVersionProblem(version: string, minimum = MINIMUM_NODE): string | undefined {
  if (isNodeAtLeast(version, minimum)) return undefined;
  const shown = minimum.replace(/\.0$/, "");
  return (
    `create-keyship needs Node.js ${shown} or newer; this is Node.js ${version.replace(/^v/, "")}.\n` +
    "Install Node.js 24 (e.g. with nvm, fnm or your system's package manager) and run it again.\n" +
    'The app it generates pins Node 24 itself (a "node" devDependency), so its npm scripts ' +
    "run on Node 24 whatever your global Node is."
  );
}
