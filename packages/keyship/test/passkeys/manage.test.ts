import { describe, expect, it } from "vitest";
import { postJson } from "../helpers/app.ts";
import { SoftwareAuthenticator } from "../helpers/authenticator.ts";
import { dialects } from "../helpers/databases.ts";
import { codeOf, registerAccount, TEST_ORIGIN, type TestAccount } from "../helpers/passkeys.ts";
import { useSuite } from "../helpers/suite.ts";

interface PasskeyView {
  id: string;
  name: string;
  revokedAt: string | null;
}

describe.each(dialects)("managing passkeys on $name", (dialect) => {
  const suite = useSuite(dialect);

  async function addPasskey(
    account: TestAccount,
    authenticator: SoftwareAuthenticator,
    name?: string,
  ) {
    const start = await postJson(suite.app, "/auth/passkey/add/start", {}, await account.auth());
    expect(start.status).toBe(200);
    const { flowId, options } = (await start.json()) as { flowId: string; options: never };
    const credential = authenticator.createCredential(options);
    return postJson(
      suite.app,
      "/auth/passkey/add/finish",
      { flowId, credential, ...(name ? { name } : {}) },
      await account.auth(),
    );
  }

  async function list(account: TestAccount): Promise<PasskeyView[]> {
    const res = await suite.app.request("/auth/passkeys", { headers: await account.auth() });
    expect(res.status).toBe(200);
    return ((await res.json()) as { passkeys: PasskeyView[] }).passkeys;
  }

  /** A new account whose device stepped up, as sensitive actions need. */
  const newAccount = async () => {
    const account = await registerAccount(
      suite.app,
      new SoftwareAuthenticator({ origin: TEST_ORIGIN }),
    );
    await account.stepUp();
    return account;
  };

  const rename = async (account: TestAccount, id: string, name: string) =>
    suite.app.request(`/auth/passkeys/${id}`, {
      method: "PATCH",
      headers: { ...(await account.auth()), "content-type": "application/json" },
      body: JSON.stringify({ name }),
    });

  async function accountWithTwoPasskeys() {
    const account = await newAccount();
    const res = await addPasskey(account, new SoftwareAuthenticator({ origin: TEST_ORIGIN }));
    return { account, added: (await res.json()) as { passkeyId: string } };
  }

  const revoke = async (account: TestAccount, id: string) =>
    suite.app.request(`/auth/passkeys/${id}/revoke`, {
      method: "POST",
      headers: await account.auth(),
    });

  it("adds a second passkey, excluding the first from the ceremony", async () => {
    const first = new SoftwareAuthenticator({ origin: TEST_ORIGIN });
    const account = await registerAccount(suite.app, first);
    await account.stepUp();
    const start = await postJson(suite.app, "/auth/passkey/add/start", {}, await account.auth());
    const { options } = (await start.json()) as {
      options: { excludeCredentials: Array<{ id: string }> };
    };
    expect(options.excludeCredentials.map((c) => c.id)).toEqual([first.listCredentials()[0]!.id]);
    const res = await addPasskey(
      account,
      new SoftwareAuthenticator({ origin: TEST_ORIGIN }),
      "Phone",
    );
    expect(res.status).toBe(201);
    expect((await list(account)).map((p) => p.name)).toEqual(["Passkey 1", "Phone"]);
  });

  it("refuses an authenticator that already holds an excluded credential", async () => {
    const first = new SoftwareAuthenticator({ origin: TEST_ORIGIN });
    const account = await registerAccount(suite.app, first);
    await account.stepUp();
    await expect(addPasskey(account, first)).rejects.toThrow(/InvalidState|excluded/i);
  });

  it("requires a signed-in caller to add a passkey", async () => {
    const res = await postJson(suite.app, "/auth/passkey/add/start", {});
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe("Bearer");
    expect(await codeOf(res)).toBe("auth.unauthenticated");
  });

  it("refuses to finish another user's add ceremony", async () => {
    const alice = await newAccount();
    const bob = await newAccount();
    const start = await postJson(suite.app, "/auth/passkey/add/start", {}, await alice.auth());
    const { flowId, options } = (await start.json()) as { flowId: string; options: never };
    const credential = new SoftwareAuthenticator({ origin: TEST_ORIGIN }).createCredential(options);
    const res = await postJson(
      suite.app,
      "/auth/passkey/add/finish",
      { flowId, credential },
      await bob.auth(),
    );
    expect(res.status).toBe(400);
    expect(await codeOf(res)).toBe("passkey.challenge_invalid");
  });

  it("renames a passkey", async () => {
    const account = await newAccount();
    const res = await rename(account, account.passkeyId, "  YubiKey  ");
    expect(res.status).toBe(200);
    expect(((await res.json()) as PasskeyView).name).toBe("YubiKey");
  });

  it("answers 404 for another user's passkey, as for a missing one", async () => {
    const alice = await newAccount();
    const bob = await newAccount();
    expect((await rename(bob, alice.passkeyId, "mine now")).status).toBe(404);
    expect((await revoke(bob, alice.passkeyId)).status).toBe(404);
    expect((await revoke(bob, "k-does-not-exist")).status).toBe(404);
  });

  it("revokes a passkey but refuses the last one with 409", async () => {
    const { account, added } = await accountWithTwoPasskeys();
    expect((await revoke(account, account.passkeyId)).status).toBe(204);
    const last = await revoke(account, added.passkeyId);
    expect(last.status).toBe(409);
    expect(await codeOf(last)).toBe("passkey.last_passkey");
    const passkeys = await list(account);
    expect(passkeys.filter((p) => p.revokedAt === null).map((p) => p.id)).toEqual([
      added.passkeyId,
    ]);
  });

  it("lets only one of two concurrent revokes of the last two passkeys succeed", async () => {
    const { account, added } = await accountWithTwoPasskeys();
    const results = await Promise.all([
      revoke(account, account.passkeyId),
      revoke(account, added.passkeyId),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([204, 409]);
    expect((await list(account)).filter((p) => p.revokedAt === null)).toHaveLength(1);
  });

  it("refuses sign-in with a revoked passkey", async () => {
    const first = new SoftwareAuthenticator({ origin: TEST_ORIGIN });
    const account = await registerAccount(suite.app, first);
    await account.stepUp();
    await addPasskey(account, new SoftwareAuthenticator({ origin: TEST_ORIGIN }));
    expect((await revoke(account, account.passkeyId)).status).toBe(204);
    const start = await postJson(suite.app, "/auth/passkey/login/start", {});
    const { flowId, options } = (await start.json()) as { flowId: string; options: never };
    const res = await postJson(suite.app, "/auth/passkey/login/finish", {
      flowId,
      credential: first.getAssertion(options),
      devicePublicKey: account.deviceKey.publicJwk,
    });
    expect(res.status).toBe(401);
    expect(await codeOf(res)).toBe("passkey.unknown_credential");
  });
});
