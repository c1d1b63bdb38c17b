/**
 * Device tokens: `Authorization: Bearer <ES256 JWT>` whose `kid` names a device.
 * @module
 */
import type { DeviceTokenVerifier } from "../../devices/verifier.ts";
import { bearerToken, type CredentialVerifier } from "../verifier.ts";

/**
 * The device-token entry of the registry.
 * @param devices the device-token verifier (its caches)
 * @param audience the `aud` HTTP requests must carry (setting `deviceTokenAudience`)
 */
export function deviceTokenCredential(
  devices: DeviceTokenVerifier,
  audience: string,
): CredentialVerifier {
  return {
    name: "device",
    warm(request) {
      const token = request.bearer;
      return token === undefined ? undefined : devices.cached(token, audience);
    },
    find(request) {
      const token = bearerToken(request);
      return token !== undefined && devices.isDeviceToken(token) ? token : undefined;
    },
    verify: (token) => devices.verify(token, audience),
  };
}
