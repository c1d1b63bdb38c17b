/**
 * The ordered registry of credential verifiers. Adding a credential kind is one verifier file
 * under `verifiers/` and one line here; order matters only for `find` (the first verifier
 * that recognises a credential judges it).
 * @module
 */
import type { DeviceTokenVerifier } from "../devices/verifier.ts";
import type { CsrfCheck } from "../sessions/csrf.ts";
import type { CookiePolicy } from "../sessions/runtime.ts";
import type { SessionTokenVerifier } from "../sessions/verifier.ts";
import type { CredentialVerifier } from "./verifier.ts";
import { accessTokenCredential } from "./verifiers/access-token.ts";
import { deviceTokenCredential } from "./verifiers/device-token.ts";
import { type MasterTokenSource, masterTokenCredentials } from "./verifiers/master-token.ts";
import { sessionCookieCredential } from "./verifiers/session-cookie.ts";

/** What the verifiers of the registry are built from. */
export interface CredentialSources {
  readonly devices: DeviceTokenVerifier;
  readonly sessions: SessionTokenVerifier;
  readonly deviceTokenAudience: string;
  readonly cookies: CookiePolicy;
  readonly csrf: CsrfCheck;
  /** The master token's digest and audit log; undefined when none is configured. */
  readonly master: MasterTokenSource | undefined;
}

/** The verifiers `authenticate()` asks, in order. */
export function credentialVerifiers(sources: CredentialSources): readonly CredentialVerifier[] {
  return Object.freeze([
    deviceTokenCredential(sources.devices, sources.deviceTokenAudience),
    accessTokenCredential(sources.sessions),
    ...masterTokenCredentials(sources.master),
    sessionCookieCredential(sources.sessions, sources.cookies, sources.csrf),
  ]);
}
