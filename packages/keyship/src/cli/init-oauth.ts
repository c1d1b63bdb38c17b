/**
 * `keyship init --oauth <preset>` (repeatable): the variables of each sign-in provider for
 * `.env` and `.env.example`, and the callback URL to register at the provider.
 * @module
 */
import { UsageError } from "./io.ts";

/** The presets `--oauth` knows, and the variables each needs beyond the client id and secret. */
const PRESET_EXTRAS: Readonly<Record<string, readonly [string, string, string][]>> = {
  google: [],
  github: [],
  discord: [],
  microsoft: [
    [
      "TENANT",
      "Microsoft tenant: common (when empty), organizations, consumers or a tenant id.",
      "",
    ],
  ],
  keycloak: [
    ["REALM_URL", "Keycloak realm URL (its issuer), e.g. https://sso.example.com/realms/acme.", ""],
  ],
};

/** A variable init writes. */
export interface OAuthInitVariable {
  readonly name: string;
  readonly comment: string;
  readonly value: string;
  readonly isSecret: boolean;
}

/**
 * The variables of the presets named by `--oauth`.
 * @throws UsageError for a name that is not a preset
 */
export function oauthVariables(presets: readonly string[]): OAuthInitVariable[] {
  return [...new Set(presets)].flatMap((preset) => {
    const extras = PRESET_EXTRAS[preset];
    if (extras === undefined || !Object.hasOwn(PRESET_EXTRAS, preset)) {
      throw new UsageError(
        `--oauth '${preset}' is not a preset (${Object.keys(PRESET_EXTRAS).join(", ")}); any other OpenID provider: KEYSHIP_OIDC_<NAME>_ISSUER, _CLIENT_ID, _CLIENT_SECRET`,
      );
    }
    const prefix = `KEYSHIP_OAUTH_${preset.toUpperCase()}_`;
    return [
      ...extras.map(([suffix, comment, value]) => ({
        name: prefix + suffix,
        comment,
        value,
        isSecret: false,
      })),
      {
        name: `${prefix}CLIENT_ID`,
        comment: `${preset} sign-in: the client id from the provider's console (docs/oauth.md).`,
        value: "",
        isSecret: false,
      },
      {
        name: `${prefix}CLIENT_SECRET`,
        comment: `${preset} sign-in: the client secret.`,
        value: "",
        isSecret: true,
      },
    ];
  });
}

/** The lines naming each preset's callback URL, to register at the provider. */
export function callbackLines(presets: readonly string[], origin: string): string[] {
  return [...new Set(presets)].map(
    (preset) => `register this callback URL at ${preset}: ${origin}/auth/oauth/${preset}/callback`,
  );
}
