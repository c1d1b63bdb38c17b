/**
 * The configured sign-in providers, resolved once at startup from the two variable groups
 * (config/env-groups.ts) the settings carry: `oauth` (`KEYSHIP_OAUTH_<PRESET>_*`, and the
 * `oauth` option of `keyship()` / `createApp()`, which wins field by field) and `oidc`
 * (`KEYSHIP_OIDC_<NAME>_*`, any OpenID provider by discovery). Everything wrong is reported
 * at once as a `KeyshipConfigError`.
 * @module
 */
import { KeyshipConfigError } from "../errors.ts";
import {
  type OAuthProviderOptions,
  PROVIDER_ID_PATTERN,
  type ProviderSpec,
  RESERVED_PROVIDER_IDS,
} from "./model.ts";
import { GENERIC_OIDC, presetNamed } from "./presets/registry.ts";

/** The providers as the settings' groups carry them, by id. */
export interface ProviderSources {
  /** `KEYSHIP_OAUTH_<NAME>_*` and the `oauth` option. */
  readonly oauth: Readonly<Record<string, OAuthProviderOptions>>;
  /** `KEYSHIP_OIDC_<NAME>_*`. */
  readonly oidc: Readonly<Record<string, OAuthProviderOptions>>;
}

/** The variable prefix of a provider: `KEYSHIP_OAUTH_GITHUB_` or `KEYSHIP_OIDC_ACME_`. */
export function variablePrefix(id: string, generic: boolean): string {
  return `KEYSHIP_${generic ? "OIDC" : "OAUTH"}_${id.toUpperCase()}_`;
}

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** Whether `url` may be used: https anywhere, plain http only on loopback (test servers). */
export function isAllowedProviderUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === "https:") return true;
    return parsed.protocol === "http:" && LOOPBACK.has(parsed.hostname);
  } catch {
    return false;
  }
}

/** The URLs of a spec that must be https (or loopback http). */
function urlsOf(spec: ProviderSpec): string[] {
  const endpoints = Object.values(spec.endpoints).filter((u): u is string => u !== undefined);
  return spec.kind === "oidc" ? [spec.issuer, ...endpoints] : endpoints;
}

/** One provider's spec, or the problems that keep it from being one. */
function resolveOne(
  id: string,
  options: OAuthProviderOptions,
  generic: boolean,
): ProviderSpec | string[] {
  const problems: string[] = [];
  const where = `${variablePrefix(id, generic)}*`;
  const say = (text: string) => problems.push(`OAuth provider '${id}' (${where}): ${text}.`);
  if (!PROVIDER_ID_PATTERN.test(id)) say("the id must be lower-case letters, digits and _");
  if (RESERVED_PROVIDER_IDS.includes(id)) {
    say(`'${id}' is a path of /auth/oauth/ already; choose another id`);
  }
  const presetName = generic ? GENERIC_OIDC.name : (options.preset ?? id);
  const preset = presetNamed(presetName);
  if (preset === undefined) {
    say(
      `unknown preset '${presetName}' (google, github, discord, microsoft, keycloak; any other OpenID provider goes in KEYSHIP_OIDC_<NAME>_* or sets preset: "oidc")`,
    );
    return problems;
  }
  const { clientId, clientSecret } = options;
  if (clientId === undefined || clientId === "") say("the client id is missing (…_CLIENT_ID)");
  if (clientSecret === undefined || clientSecret === "") {
    say("the client secret is missing (…_CLIENT_SECRET)");
  }
  const resolution = preset.resolve(options);
  if (typeof resolution === "string") say(resolution);
  if (problems.length > 0 || typeof resolution === "string") return problems;
  const spec: ProviderSpec = {
    id,
    preset: preset.name,
    label: options.label ?? (preset === GENERIC_OIDC ? id : preset.label),
    kind: preset.kind,
    clientId: clientId as string,
    clientSecret: clientSecret as string,
    ...resolution,
  };
  for (const url of urlsOf(spec)) {
    if (!isAllowedProviderUrl(url)) say(`${url} must be an https URL (http only on loopback)`);
  }
  return problems.length > 0 ? problems : Object.freeze(spec);
}

/**
 * Resolves every configured provider.
 * @param sources the `oauth` and `oidc` groups of the settings
 * @returns the providers, by id
 * @throws KeyshipConfigError listing every problem: a missing client id or secret, an unknown
 *   preset, a reserved or malformed id, a non-https URL, a missing issuer or realm URL, or one
 *   id in both groups
 */
export function resolveProviders(sources: ProviderSources): readonly ProviderSpec[] {
  const problems: string[] = [];
  const specs: ProviderSpec[] = [];
  const entries = [
    ...Object.entries(sources.oauth).map(([id, o]) => [id, o, false] as const),
    ...Object.entries(sources.oidc).map(([id, o]) => [id, o, true] as const),
  ];
  for (const [id, options, generic] of entries) {
    if (generic && Object.hasOwn(sources.oauth, id)) {
      problems.push(
        `OAuth provider '${id}' is configured twice (KEYSHIP_OAUTH_ and KEYSHIP_OIDC_).`,
      );
      continue;
    }
    const result = resolveOne(id, options, generic);
    if (Array.isArray(result)) problems.push(...result);
    else specs.push(result);
  }
  if (problems.length > 0) throw new KeyshipConfigError(problems);
  return Object.freeze(specs.sort((a, b) => a.id.localeCompare(b.id)));
}
