/**
 * The provider presets: adding one is a file in this folder and a line here.
 * @module
 */
import type { ProviderPreset } from "../model.ts";
import { discord } from "./discord.ts";
import { github } from "./github.ts";
import { google } from "./google.ts";
import { keycloak } from "./keycloak.ts";
import { microsoft } from "./microsoft.ts";
import { oidc } from "./oidc.ts";

/** The presets turned on by `KEYSHIP_OAUTH_<NAME>_*`, by name. */
export const PRESETS: Readonly<Record<string, ProviderPreset>> = Object.freeze({
  google,
  github,
  discord,
  microsoft,
  keycloak,
});

/** The preset of any OIDC provider (`KEYSHIP_OIDC_<NAME>_*`). */
export const GENERIC_OIDC: ProviderPreset = oidc;

/** The preset named `name`, or undefined. */
export function presetNamed(name: string): ProviderPreset | undefined {
  if (name === GENERIC_OIDC.name) return GENERIC_OIDC;
  return Object.hasOwn(PRESETS, name) ? PRESETS[name] : undefined;
}
