/**
 * Every security flow records its audit event in the transaction of its change: passkey
 * sign-up and sign-in (and their failures), passkey management, devices, sessions, refresh
 * reuse and step-up. Each row has the right action, outcome, actor and target, the request's
 * user agent and trace id, and data without secrets; a refused change writes no success row.
 * The password flows and rate limits are in password-events.test.ts.
 */

import type { PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import { describe, expect, it } from "vitest";
import { postJson } from "../helpers/app.ts";
import { SoftwareAuthenticator } from "../helpers/authenticator.ts";
import { dialects } from "../helpers/databases.ts";
import {
  codeOf,
  loginAccount,
  newDeviceKey,
  registerAccount,
  startLogin,
  startRegistration,
  stepUpWith,
  TEST_ORIGIN,
  type TestAccount,
} from "../helpers/passkeys.ts";
import { bearer, loginWithSession, refresh, registerWithSession } from "../helpers/sessions.ts";
import { useSuite } from "../helpers/suite.ts";
import { rawDataOf, summaryOf, type Traced, traced } from "./helpers.ts";

describe.each(dialects)("audit events of passkeys, devices and sessions on $name", (dialect) => {
  const suite = useSuite(dialect);
  const newAuthenticator = () => new SoftwareAuthenticator({ origin: TEST_ORIGIN });
  const post = async (path: string, body: object, trace: Traced, auth: Record<string, string>) =>
    postJson(suite.app, path, body, { ...auth, ...trace.headers });

  /** A passkey sign-in finish sent with `trace`'s headers. */
  async function signIn(authenticator: SoftwareAuthenticator, trace: Traced, body: object = {}) {
    const { flowId, options } = await startLogin(suite.app);
    const credential = authenticator.getAssertion(options);
    return post("/auth/passkey/login/finish", { flowId, credential, ...body }, trace, {});
  }

  describe("sign-up and sign-in", () => {
    it("records user.signed_up, passkey.added and device.bound with the new user as actor", async () => {
      const trace = traced();
      const { flowId, options } = await startRegistration(suite.app);
      const res = await post(
        "/auth/passkey/register/finish",
        {
          flowId,
          credential: newAuthenticator().createCredential(options),
          devicePublicKey: newDeviceKey().publicJwk,
          deviceLabel: "Work laptop",
        },
        trace,
        {},
      );
      expect(res.status).toBe(201);
      const { userId, passkeyId, deviceId } = (await res.json()) as Record<string, string>;
      expect(await summaryOf(suite.app, trace)).toEqual([
        ["user.signed_up", "success", userId, "user", userId, { method: "passkey" }],
        ["passkey.added", "success", userId, "passkey", passkeyId, { name: "Passkey 1" }],
        ["device.bound", "success", userId, "device", deviceId, { label: "Work laptop" }],
      ]);
    });

    it("records user.signed_in with the bound device or session", async () => {
      const authenticator = newAuthenticator();
      const { userId } = await registerAccount(suite.app, authenticator);
      const withDevice = traced();
      const device = await signIn(authenticator, withDevice, {
        devicePublicKey: newDeviceKey().publicJwk,
      });
      const { deviceId } = (await device.json()) as { deviceId: string };
      expect(await summaryOf(suite.app, withDevice)).toEqual([
        ["device.bound", "success", userId, "device", deviceId, { label: "Browser" }],
        ["user.signed_in", "success", userId, "user", userId, { method: "passkey", deviceId }],
      ]);

      const withSession = traced();
      const session = await signIn(authenticator, withSession, { session: "bearer" });
      const { sessionId, refreshToken } = (await session.json()) as Record<string, string>;
      expect(await summaryOf(suite.app, withSession)).toEqual([
        ["user.signed_in", "success", userId, "user", userId, { method: "passkey", sessionId }],
      ]);
      expect(await rawDataOf(suite.app, withSession.traceId)).not.toContain(refreshToken);
    });

    it("records a refused sign-in as user.sign_in_failed, with the owner when the credential is known", async () => {
      const authenticator = newAuthenticator();
      const { userId } = await registerAccount(suite.app, authenticator);
      const wrongOrigin = traced();
      const { flowId, options } = await startLogin(suite.app);
      const credential = authenticator.getAssertion(options, { origin: "https://evil.example" });
      const res = await post(
        "/auth/passkey/login/finish",
        { flowId, credential, devicePublicKey: newDeviceKey().publicJwk },
        wrongOrigin,
        {},
      );
      expect(await codeOf(res)).toBe("passkey.verification_failed");
      const reason = "passkey.verification_failed";
      expect(await summaryOf(suite.app, wrongOrigin)).toEqual([
        ["user.sign_in_failed", "failure", null, "user", userId, { method: "passkey", reason }],
      ]);

      // A credential this server never stored: no target.
      const stranger = newAuthenticator();
      stranger.createCredential((await startRegistration(suite.app)).options);
      const unknown = traced();
      const refused = await signIn(stranger, unknown, { session: "bearer" });
      expect(await codeOf(refused)).toBe("passkey.unknown_credential");
      expect(await summaryOf(suite.app, unknown)).toEqual([
        [
          "user.sign_in_failed",
          "failure",
          null,
          null,
          null,
          { method: "passkey", reason: "passkey.unknown_credential" },
        ],
      ]);
    });
  });

  describe("passkeys", () => {
    it("records passkey.added, passkey.renamed and passkey.revoked with the user as actor", async () => {
      const authenticator = newAuthenticator();
      const account = await registerAccount(suite.app, authenticator);
      await account.stepUp();
      const trace = traced();
      const auth = await account.auth();
      const started = (await (await post("/auth/passkey/add/start", {}, trace, auth)).json()) as {
        flowId: string;
        options: Parameters<SoftwareAuthenticator["createCredential"]>[0];
      };
      const added = await post(
        "/auth/passkey/add/finish",
        {
          flowId: started.flowId,
          credential: newAuthenticator().createCredential(started.options),
        },
        trace,
        auth,
      );
      const { passkeyId } = (await added.json()) as { passkeyId: string };
      const renamed = await suite.app.request(`/auth/passkeys/${passkeyId}`, {
        method: "PATCH",
        headers: { ...auth, ...trace.headers, "content-type": "application/json" },
        body: JSON.stringify({ name: "Backup key" }),
      });
      expect(renamed.status).toBe(200);
      const revoked = await post(`/auth/passkeys/${account.passkeyId}/revoke`, {}, trace, auth);
      expect(revoked.status).toBe(204);
      const { userId } = account;
      expect(await summaryOf(suite.app, trace)).toEqual([
        ["passkey.added", "success", userId, "passkey", passkeyId, { name: "Passkey 2" }],
        ["passkey.renamed", "success", userId, "passkey", passkeyId, { name: "Backup key" }],
        ["passkey.revoked", "success", userId, "passkey", account.passkeyId, { name: "Passkey 1" }],
      ]);
    });

    it("writes no passkey.revoked row when the last passkey is refused (409)", async () => {
      const account = await registerAccount(suite.app, newAuthenticator());
      await account.stepUp();
      const trace = traced();
      const res = await post(
        `/auth/passkeys/${account.passkeyId}/revoke`,
        {},
        trace,
        await account.auth(),
      );
      expect(res.status).toBe(409);
      expect(await summaryOf(suite.app, trace)).toEqual([]);
    });
  });

  describe("step-up", () => {
    async function stepUp(
      account: TestAccount,
      authenticator: SoftwareAuthenticator,
      trace: Traced,
      origin?: string,
    ) {
      const auth = await account.auth();
      const { flowId, options } = (await (
        await post("/auth/step-up/start", {}, trace, auth)
      ).json()) as {
        flowId: string;
        options: PublicKeyCredentialRequestOptionsJSON;
      };
      const credential = authenticator.getAssertion(
        options,
        origin === undefined ? {} : { origin },
      );
      return post("/auth/step-up/finish", { flowId, credential }, trace, auth);
    }

    it("writes nothing when a sensitive action answers 401 step-up required", async () => {
      const account = await registerAccount(suite.app, newAuthenticator());
      const trace = traced();
      const res = await post("/auth/devices/revoke-others", {}, trace, await account.auth());
      expect(await codeOf(res)).toBe("auth.step_up_required");
      expect(await summaryOf(suite.app, trace)).toEqual([]);
    });

    it("records stepup.succeeded on the calling device, and stepup.failed for a refused assertion", async () => {
      const authenticator = newAuthenticator();
      const account = await registerAccount(suite.app, authenticator);
      const { userId, deviceId } = account;
      const ok = traced();
      expect((await stepUp(account, authenticator, ok)).status).toBe(200);
      expect(await summaryOf(suite.app, ok)).toEqual([
        ["stepup.succeeded", "success", userId, "device", deviceId, { method: "passkey" }],
      ]);
      const bad = traced();
      const refused = await stepUp(account, authenticator, bad, "https://evil.example");
      expect(await codeOf(refused)).toBe("passkey.verification_failed");
      expect(await summaryOf(suite.app, bad)).toEqual([
        [
          "stepup.failed",
          "failure",
          userId,
          "device",
          deviceId,
          { method: "passkey", reason: "passkey.verification_failed" },
        ],
      ]);
    });
  });

  describe("devices", () => {
    it("records device.revoked for one device, one row per device for the others, and a device logout", async () => {
      const authenticator = newAuthenticator();
      const account = await registerAccount(suite.app, authenticator);
      const second = await loginAccount(suite.app, authenticator);
      const others = [
        (await loginAccount(suite.app, authenticator)).deviceId,
        (await loginAccount(suite.app, authenticator)).deviceId,
      ].sort();
      await account.stepUp();
      const { userId } = account;
      const one = traced();
      const auth = await account.auth();
      expect((await post(`/auth/devices/${second.deviceId}/revoke`, {}, one, auth)).status).toBe(
        204,
      );
      expect(await summaryOf(suite.app, one)).toEqual([
        ["device.revoked", "success", userId, "device", second.deviceId, { reason: "revoked" }],
      ]);

      const rest = traced();
      expect((await post("/auth/devices/revoke-others", {}, rest, auth)).status).toBe(200);
      const rows = await summaryOf(suite.app, rest);
      expect(rows.map((r) => r[4]).sort()).toEqual(others);
      expect(
        rows.map(([action, outcome, actor, type, , data]) => [action, outcome, actor, type, data]),
      ).toEqual(
        others.map(() => [
          "device.revoked",
          "success",
          userId,
          "device",
          { reason: "revoke_others" },
        ]),
      );

      const out = traced();
      expect((await post("/auth/logout", {}, out, await account.auth())).status).toBe(204);
      expect(await summaryOf(suite.app, out)).toEqual([
        ["device.revoked", "success", userId, "device", account.deviceId, { reason: "logout" }],
      ]);
    });
  });

  describe("sessions", () => {
    it("records session.revoked for a revoked session, a logout, and everything at logout-all", async () => {
      const { body, authenticator } = await registerWithSession(suite.app, "bearer");
      const { userId } = body;
      const second = await loginWithSession(suite.app, authenticator, "bearer");
      const third = await loginWithSession(suite.app, authenticator, "bearer");
      const device = await loginAccount(suite.app, authenticator);
      const auth = bearer(body.accessToken);
      await stepUpWith(suite.app, authenticator, auth);

      const one = traced();
      expect((await post(`/auth/sessions/${second.sessionId}/revoke`, {}, one, auth)).status).toBe(
        204,
      );
      expect(await summaryOf(suite.app, one)).toEqual([
        ["session.revoked", "success", userId, "session", second.sessionId, { reason: "revoked" }],
      ]);

      const out = traced();
      expect((await post("/auth/logout", {}, out, bearer(third.accessToken))).status).toBe(204);
      expect(await summaryOf(suite.app, out)).toEqual([
        ["session.revoked", "success", userId, "session", third.sessionId, { reason: "logout" }],
      ]);

      const all = traced();
      const res = await post("/auth/logout-all", {}, all, auth);
      expect(await res.json()).toEqual({ sessions: 1, devices: 1 });
      const rows = await summaryOf(suite.app, all);
      const reason = { reason: "logout_all" };
      expect(rows.filter((r) => r[0] === "session.revoked")).toEqual([
        ["session.revoked", "success", userId, "session", body.sessionId, reason],
      ]);
      expect(rows.filter((r) => r[0] === "device.revoked")).toEqual([
        ["device.revoked", "success", userId, "device", device.deviceId, reason],
      ]);
    });

    it("records session.refresh_reused (failure) when a spent refresh token comes back", async () => {
      const { body } = await registerWithSession(suite.app, "bearer");
      expect((await refresh(suite.app, body.refreshToken)).status).toBe(200);
      const replay = traced();
      const res = await postJson(
        suite.app,
        "/auth/token/refresh",
        { refreshToken: body.refreshToken },
        replay.headers,
      );
      expect(await codeOf(res)).toBe("token.refresh_reused");
      expect(await summaryOf(suite.app, replay)).toEqual([
        [
          "session.refresh_reused",
          "failure",
          null,
          "session",
          body.sessionId,
          { userId: body.userId },
        ],
      ]);
      expect(await rawDataOf(suite.app, replay.traceId)).not.toContain(String(body.refreshToken));
    });
  });
});
