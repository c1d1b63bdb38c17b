import { expect, it } from "vitest";
import * as client from "../src/index.ts";

it("pins the public runtime exports", () => {
  expect(Object.keys(client).sort()).toEqual([
    "KeyshipError",
    "MAX_DEVICE_TOKEN_LIFETIME_SECONDS",
    "browserWebAuthn",
    "createKeyshipClient",
    "errorFromResponse",
    "exportDevicePublicJwk",
    "generateDeviceKeyPair",
    "indexedDbKeyStore",
    "isAutofillDismissal",
    "isKeyshipError",
    "memoryKeyStore",
    "mintDeviceToken",
    "readProblem",
  ]);
});
