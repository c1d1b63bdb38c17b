/**
 * Passkeys named after their provider (from the AAGUID) and devices after their browser and OS
 * (from the User-Agent), instead of "Passkey 1" and "Browser".
 */
import { describe, expect, it } from "vitest";
import { describeUserAgent } from "../../src/devices/user-agent.ts";
import AAGUID_NAMES from "../../src/passkeys/aaguids.json" with { type: "json" };
import { newPasskeyName, passkeyProviderName } from "../../src/passkeys/provider-names.ts";
import { SoftwareAuthenticator } from "../helpers/authenticator.ts";
import { dialects } from "../helpers/databases.ts";
import { newDeviceKey, startRegistration, TEST_ORIGIN } from "../helpers/passkeys.ts";
import { useSuite } from "../helpers/suite.ts";

const GOOGLE = "ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4";
const ICLOUD = "fbfc3007-154e-4ecc-8c0b-6e020557d7bd";

const CHROME_LINUX =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36";

describe("the bundled AAGUID list", () => {
  it("holds lower-case dashed AAGUIDs and non-empty names", () => {
    for (const [aaguid, name] of Object.entries(AAGUID_NAMES)) {
      expect(aaguid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(name.trim()).toBe(name);
      expect(name.length).toBeGreaterThan(0);
    }
  });

  it.each([
    [GOOGLE, "Google Password Manager"],
    [ICLOUD, "iCloud Keychain"],
    ["08987058-cadc-4b81-b6e1-30de50dcbe96", "Windows Hello"],
    ["bada5566-a7aa-401f-bd96-45619a55120d", "1Password"],
    ["d548826e-79b4-db40-a3d8-11116f7e8349", "Bitwarden"],
    ["adce0002-35bc-c60a-648b-0b25f1f05503", "Chrome on Mac"],
  ])("names %s %s", (aaguid, name) => {
    expect(passkeyProviderName(aaguid)).toBe(name);
    expect(passkeyProviderName(aaguid.toUpperCase())).toBe(name);
  });

  it("knows nothing of the all-zero AAGUID", () => {
    expect(passkeyProviderName("00000000-0000-0000-0000-000000000000")).toBeUndefined();
  });
});

describe("newPasskeyName", () => {
  it.each([
    [GOOGLE, [], "Google Password Manager"],
    [GOOGLE, ["Google Password Manager"], "Google Password Manager 2"],
    [GOOGLE, ["Google Password Manager", "Google Password Manager 2"], "Google Password Manager 3"],
    ["00000000-0000-0000-0000-000000000000", [], "Passkey 1"],
    ["00000000-0000-0000-0000-000000000000", ["iCloud Keychain"], "Passkey 2"],
    ["00000000-0000-0000-0000-000000000000", ["Laptop", "Passkey 2"], "Passkey 3"],
  ])("%s after %j → %s", (aaguid, existing, name) => {
    expect(newPasskeyName(aaguid, existing)).toBe(name);
  });
});

describe("describeUserAgent", () => {
  it.each([
    [CHROME_LINUX, "Chrome on Linux"],
    [
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.2 Safari/605.1.15",
      "Safari on macOS",
    ],
    [
      "Mozilla/5.0 (iPhone; CPU iPhone OS 18_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.2 Mobile/15E148 Safari/604.1",
      "Safari on iPhone",
    ],
    [
      "Mozilla/5.0 (iPhone; CPU iPhone OS 18_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1",
      "Chrome on iPhone",
    ],
    [
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
      "Edge on Windows",
    ],
    [
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
      "Firefox on Windows",
    ],
    [
      "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
      "Chrome on Android",
    ],
    [
      "Mozilla/5.0 (Linux; Android 14; SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36",
      "Samsung Internet on Android",
    ],
    [
      "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
      "Chrome on ChromeOS",
    ],
    [
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36",
      "Chrome on Linux",
    ],
    ["curl/8.11.0", undefined],
    ["", undefined],
    [undefined, undefined],
  ])("%s → %s", (userAgent, label) => {
    expect(describeUserAgent(userAgent)).toBe(label);
  });
});

describe.each(dialects)("names at sign-up on $name", (dialect) => {
  const suite = useSuite(dialect);

  it("names the passkey after its provider and the device after the browser", async () => {
    const authenticator = new SoftwareAuthenticator({
      origin: TEST_ORIGIN,
      aaguid: new Uint8Array(Buffer.from(GOOGLE.replaceAll("-", ""), "hex")),
    });
    const { flowId, options } = await startRegistration(suite.app, { email: "names@example.com" });
    const finish = await suite.app.request("/auth/passkey/register/finish", {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": CHROME_LINUX },
      body: JSON.stringify({
        flowId,
        credential: authenticator.createCredential(options),
        devicePublicKey: newDeviceKey().publicJwk,
      }),
    });
    expect(finish.status).toBe(201);
    const { userId } = (await finish.json()) as { userId: string };
    const db = suite.app.keyship.db;
    const passkey = await db
      .selectFrom("passkeys")
      .select("name")
      .where("user_id", "=", userId)
      .executeTakeFirstOrThrow();
    expect(passkey.name).toBe("Google Password Manager");
    const device = await db
      .selectFrom("devices")
      .select("label")
      .where("user_id", "=", userId)
      .executeTakeFirstOrThrow();
    expect(device.label).toBe("Chrome on Linux");
  });
});
