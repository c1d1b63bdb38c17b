/**
 * Microsoft (Entra ID, personal accounts): OpenID Connect at
 * `https://login.microsoftonline.com/<tenant>/v2.0`. openid-client checks the `{tenantid}`
 * issuer of the multi-tenant endpoints against the token's `tid`. Microsoft does not assert
 * `email_verified`, so its emails never link accounts by themselves.
 * @module
 */
import type { ProviderPreset } from "../model.ts";
import { oidcResolution } from "./common.ts";

const TENANT = /^[A-Za-z0-9.-]{1,64}$/;

/** The Microsoft preset (`KEYSHIP_OAUTH_MICROSOFT_*`, `_TENANT` default `common`). */
export const microsoft: ProviderPreset = {
  name: "microsoft",
  label: "Microsoft",
  kind: "oidc",
  resolve(options) {
    const tenant = options.tenant ?? "common";
    if (!TENANT.test(tenant)) {
      return "tenant must be `common`, `organizations`, `consumers` or a tenant id";
    }
    return oidcResolution(`https://login.microsoftonline.com/${tenant}/v2.0`, options);
  },
};
