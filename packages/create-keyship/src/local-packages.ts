/**
 * Local package tarballs: until keyship is published, a generated project can depend on
 * `npm pack` tarballs of this repository's packages (`file:` specifiers).
 * @module
 */
import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { CreateError } from "./errors.ts";

/** Absolute paths of the two tarballs. */
export interface LocalPackages {
  readonly directory: string;
  /** `keyship-<version>.tgz` */
  readonly keyship: string;
  /** `keyship-client-<version>.tgz` (from `@keyship/client`) */
  readonly client: string;
}

/** The environment variable naming the tarball directory when `--local-packages` is not given. */
export const LOCAL_PACKAGES_ENV = "KEYSHIP_LOCAL_PACKAGES";

/**
 * Finds the newest-named tarball of each package in `directory`.
 * @throws CreateError when the directory or a tarball is missing, with the commands that make them
 * @example findLocalPackages("/tmp/keyship-packages").keyship // "/tmp/keyship-packages/keyship-0.1.0.tgz"
 */
export function findLocalPackages(directory: string): LocalPackages {
  const absolute = resolve(directory);
  const hint =
    "build and pack them from the keyship repository:\n" +
    "  npm run build -w keyship -w @keyship/client\n" +
    `  npm pack -w keyship -w @keyship/client --pack-destination ${absolute}`;
  if (!existsSync(absolute)) throw new CreateError(`no directory ${absolute}; ${hint}`);
  const files = readdirSync(absolute).sort();
  const pick = (pattern: RegExp, label: string): string => {
    const file = files.filter((f) => pattern.test(f)).at(-1);
    if (file === undefined) throw new CreateError(`no ${label} tarball in ${absolute}; ${hint}`);
    return join(absolute, file);
  };
  return {
    directory: absolute,
    keyship: pick(/^keyship-\d[^/]*\.tgz$/, "keyship"),
    client: pick(/^keyship-client-\d[^/]*\.tgz$/, "@keyship/client"),
  };
}
