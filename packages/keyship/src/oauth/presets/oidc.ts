/**
 * Any OpenID Connect provider, by discovery at its issuer (`KEYSHIP_OIDC_<NAME>_ISSUER`).
 * @module
 */
import type { ProviderPreset } from "../model.ts";
import { oidcResolution } from "./common.ts";

/** The generic OIDC preset (`KEYSHIP_OIDC_<NAME>_ISSUER`, `_CLIENT_ID`, `_CLIENT_SECRET`…). */
export const oidc: ProviderPreset = {
  name: "oidc",
  label: "OpenID Connect",
  kind: "oidc",
  resolve(options) {
    if (options.issuer === undefined) return "the issuer is missing";
    return oidcResolution(options.issuer, options);
  },
};
