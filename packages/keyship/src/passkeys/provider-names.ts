/**
 * Names for new passkeys: the provider that holds it, from the authenticator's AAGUID
 * (WebAuthn §6.5.1), instead of "Passkey 1". The list (`aaguids.json`) is keyship's own,
 * small and hand-kept: the AAGUIDs the major passkey providers publish, each mapped to the
 * name people know it by. An unknown or all-zero AAGUID (attestation `none` may zero it) gives
 * no name.
 * @module
 */
import AAGUID_NAMES from "./aaguids.json" with { type: "json" };

const NAMES: ReadonlyMap<string, string> = new Map(Object.entries(AAGUID_NAMES));

/**
 * The provider's name for an AAGUID, or undefined when keyship does not know it.
 * @param aaguid the AAGUID as `@simplewebauthn/server` gives it (lower-case, dashed)
 * @example passkeyProviderName("ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4") // "Google Password Manager"
 */
export function passkeyProviderName(aaguid: string): string | undefined {
  return NAMES.get(aaguid.trim().toLowerCase());
}

/**
 * The name of a new passkey: the provider's name (numbered when the user already has one by
 * that name: "iCloud Keychain 2"), else `Passkey N` after the user's other passkeys.
 * @param aaguid the new credential's AAGUID
 * @param existing the names of the user's other passkeys
 * @example newPasskeyName("fbfc3007-154e-4ecc-8c0b-6e020557d7bd", []) // "iCloud Keychain"
 */
export function newPasskeyName(aaguid: string, existing: readonly string[]): string {
  const taken = new Set(existing);
  const base = passkeyProviderName(aaguid);
  if (base === undefined) {
    let n = existing.length + 1;
    while (taken.has(`Passkey ${n}`)) n++;
    return `Passkey ${n}`;
  }
  if (!taken.has(base)) return base;
  let n = 2;
  while (taken.has(`${base} ${n}`)) n++;
  return `${base} ${n}`;
}
