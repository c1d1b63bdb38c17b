/**
 * base64url without padding (RFC 4648 §5), as JWS compact serialization requires.
 * @module
 */

/**
 * Encodes bytes as unpadded base64url.
 *
 * @param bytes the bytes to encode
 * @example
 * encodeBase64Url(new TextEncoder().encode("hi")); // "aGk"
 */
export function encodeBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/**
 * Encodes a value as JSON, then as unpadded base64url (a JWS header or payload segment).
 *
 * @param value any JSON-serialisable value
 * @example
 * encodeJsonBase64Url({ alg: "ES256" }); // "eyJhbGciOiJFUzI1NiJ9"
 */
export function encodeJsonBase64Url(value: unknown): string {
  return encodeBase64Url(new TextEncoder().encode(JSON.stringify(value)));
}
