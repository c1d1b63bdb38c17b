/**
 * The ordered registry of credential verifiers. Adding a credential kind is one verifier file
 * under `verifiers/` and one line here; order matters only for `find` (the first verifier
 * that recognises a credential judges it).
 * @module
 */

import type { ApiKeyVerifier } from "../apikeys/verifier.ts";
import type { ClientTokenVerifier } from "../clients/verifier.ts";
import type { KeyshipContext } from "../context.ts";
import type { DbscRuntime } from "../dbsc/runtime.ts";
import type { DeviceTokenVerifier } from "../devices/verifier.ts";
import type { CsrfCheck } from "../sessions/csrf.ts";
import type { CookiePolicy } from "../sessions/runtime.ts";
import type { SessionTokenVerifier } from "../sessions/verifier.ts";
import type { TrustedTokenVerifier } from "../trust/verifier.ts";
import type { CredentialVerifier } from "./verifier.ts";
import { accessTokenCredential } from "./verifiers/access-token.ts";
import { apiKeyCredential } from "./verifiers/api-key.ts";
import { clientTokenCredential } from "./verifiers/client-token.ts";
import { deviceTokenCredential } from "./verifiers/device-token.ts";
import { dpopTokenCredential } from "./verifiers/dpop-token.ts";
import { externalTokenCredentials } from "./verifiers/external-token.ts";
import { type MasterTokenSource, masterTokenCredentials } from "./verifiers/master-token.ts";
import { sessionCookieCredential } from "./verifiers/session-cookie.ts";

/** What the verifiers of the registry are built from. */
export interface CredentialSources {
  readonly devices: DeviceTokenVerifier;
  readonly sessions: SessionTokenVerifier;
  readonly deviceTokenAudience: string;
  readonly cookies: CookiePolicy;
  readonly csrf: CsrfCheck;
  /** API keys (`ksk_…`). */
  readonly apiKeys: ApiKeyVerifier;
  /** OAuth clients' access tokens. */
  readonly clients: ClientTokenVerifier;
  /** The master token's digest and audit log; undefined when none is configured. */
  readonly master: MasterTokenSource | undefined;
  /** Trusted issuers' access tokens; undefined when none is configured. */
  readonly trusted?: TrustedTokenVerifier | undefined;
  /** What DBSC-bound cookies are checked with (docs/dbsc.md). */
  readonly dbsc: DbscRuntime;
  /** What DPoP proofs are checked with (settings, clock, replay cache). */
  readonly dpop: Pick<KeyshipContext, "settings" | "now" | "sessions">;
}

/** The verifiers `authenticate()` asks, in order. */
export function credentialVerifiers(sources: CredentialSources): readonly CredentialVerifier[] {
  return Object.freeze([
    // First: a `ksk_` bearer is an API key, never parsed as a JWT.
    apiKeyCredential(sources.apiKeys),
    deviceTokenCredential(sources.devices, sources.deviceTokenAudience),
    ...externalTokenCredentials(sources.trusted),
    accessTokenCredential(sources.sessions),
    dpopTokenCredential(sources.sessions, sources.dpop),
    clientTokenCredential(sources.clients),
    ...masterTokenCredentials(sources.master),
    sessionCookieCredential(sources.sessions, sources.cookies, sources.csrf, sources.dbsc),
  ]);
}
