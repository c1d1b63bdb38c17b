/**
 * A ceremony from an origin or RP ID the settings do not name (the app moved to another port)
 * is refused as before, but no longer silently: the log gets a warning naming the origin the
 * browser sent and the ones allowed, and in development the problem's detail says so too.
 */
import { Writable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/observability/logger.ts";
import { verifyRegistration } from "../../src/passkeys/webauthn.ts";
import { testApp } from "../helpers/app.ts";
import { SoftwareAuthenticator } from "../helpers/authenticator.ts";
import { finishRegistration, newDeviceKey, startRegistration } from "../helpers/passkeys.ts";

function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: createLogger("info", { destination }) };
}

describe("passkey origin and RP ID mismatches", () => {
  const dev = capturingLogger();
  const app = testApp("sqlite::memory:", { logger: dev.logger });
  afterAll(() => app.keyship.close());

  async function registerFrom(target: typeof app, origin: string, rpId?: string) {
    const { flowId, options } = await startRegistration(target);
    const authenticator = new SoftwareAuthenticator({ origin, ...(rpId ? { rpId } : {}) });
    return finishRegistration(
      target,
      flowId,
      authenticator.createCredential(options),
      newDeviceKey(),
    );
  }

  it("names the browser's origin and the allowed ones, in the log and (development) the detail", async () => {
    const res = await registerFrom(app, "http://localhost:3000");
    expect(res.status).toBe(400);
    const body = (await res.json()) as { code: string; detail: string };
    expect(body.code).toBe("passkey.verification_failed");
    expect(body.detail).toContain("http://localhost:3000");
    expect(body.detail).toContain("http://localhost:8787");
    const warning = dev.lines.find((l) => l.level === 40 && String(l.msg).startsWith("passkey"));
    expect(warning?.msg).toMatch(
      /origin http:\/\/localhost:3000, which KEYSHIP_ORIGIN does not list \(http:\/\/localhost:8787\)/,
    );
  });

  it("keeps the detail generic in production (the warning still names the origin)", async () => {
    const { options } = await startRegistration(app);
    const credential = new SoftwareAuthenticator({
      origin: "https://evil.example",
    }).createCredential(options);
    const settings = { ...app.keyship.settings, env: "production" as const };
    await expect(verifyRegistration(credential, options.challenge, settings)).rejects.toMatchObject(
      {
        code: "passkey.verification_failed",
        detail: "The passkey could not be verified.",
        warning: expect.stringContaining("origin https://evil.example"),
      },
    );
  });

  it("names the RP ID when the origin is allowed but the RP ID differs", async () => {
    const { options } = await startRegistration(app);
    const credential = new SoftwareAuthenticator({
      origin: "http://localhost:8787",
    }).createCredential(options, { rpId: "example.com" });
    await expect(
      verifyRegistration(credential, options.challenge, app.keyship.settings),
    ).rejects.toMatchObject({ warning: expect.stringContaining("KEYSHIP_RP_ID (localhost)") });
  });
});
