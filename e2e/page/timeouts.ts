/**
 * How long a WebAuthn ceremony may take in the tests. With no authenticator attached
 * `navigator.credentials.*` hangs silently until its timeout, so keep it short.
 * @module
 */

/** The page caps the server's ceremony `timeout` to this. */
export const CEREMONY_TIMEOUT_MS = 5_000;

/** The Node side gives up on a page call after this (the page's own timeout fires first). */
export const PAGE_CALL_TIMEOUT_MS = CEREMONY_TIMEOUT_MS + 2_000;
