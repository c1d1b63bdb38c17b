import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createPasswordHasher } from "../../src/passwords/hash.ts";
import { postJson, testApp } from "../helpers/app.ts";
import { dialects } from "../helpers/databases.ts";
import { codeOf, newDeviceKey } from "../helpers/passkeys.ts";
import { useSuite } from "../helpers/suite.ts";
import {
  login,
  loginPasswordAccount,
  mailbox,
  PASSWORD,
  problemWithoutTrace,
  ROOMY_LIMITS,
  register,
  registerPasswordAccount,
} from "./helpers.ts";

const fresh = () => `u-${randomUUID()}@example.com`;

describe("password routes when off", () => {
  it.each([
    "/auth/register",
    "/auth/login",
    "/auth/password-reset/request",
    "/auth/email/verify/request",
  ])("%s is not mounted", async (path) => {
    const app = testApp("sqlite::memory:");
    const res = await postJson(app, path, {});
    expect(res.status).toBe(404);
    await app.keyship.close();
  });
});

describe.each(dialects)("password register and login on $name", (dialect) => {
  const mails = mailbox();
  const suite = useSuite(dialect, { passwords: true, mailer: mails, ...ROOMY_LIMITS });

  it("registers: 201, the user with an argon2id hash, a bound device, a verification email", async () => {
    const email = fresh();
    const account = await registerPasswordAccount(suite.app, email.toUpperCase());
    const db = suite.app.keyship.db;
    const user = await db
      .selectFrom("users")
      .selectAll()
      .where("id", "=", account.userId)
      .executeTakeFirstOrThrow();
    expect(user).toMatchObject({ email, role: "user", email_verified_at: null });
    expect(user.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const me = await suite.app.request("/auth/me", { headers: await account.auth() });
    expect(me.status).toBe(200);
    expect(mails.sent.filter((m) => m.to === email)).toHaveLength(1);
    const row = await db
      .selectFrom("email_verifications")
      .selectAll()
      .where("user_id", "=", account.userId)
      .executeTakeFirstOrThrow();
    // Only the SHA-256 of the emailed token is stored.
    expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(mails.sent.at(-1))).not.toContain(row.token_hash);
  });

  it("signs in and binds a new device", async () => {
    const email = fresh();
    const first = await registerPasswordAccount(suite.app, email);
    const before = await suite.count("devices");
    const second = await loginPasswordAccount(suite.app, email);
    expect(second.userId).toBe(first.userId);
    expect(second.deviceId).not.toBe(first.deviceId);
    expect(await suite.count("devices")).toEqual({ devices: before.devices + 1 });
  });

  it("normalizes the password (NFKC) on register and login", async () => {
    const email = fresh();
    await registerPasswordAccount(suite.app, email, "ﬁne passphrase ２０２４");
    await loginPasswordAccount(suite.app, email, "fine passphrase 2024");
  });

  it("answers a wrong password and an unknown email alike", async () => {
    const email = fresh();
    await registerPasswordAccount(suite.app, email);
    const wrong = await login(suite.app, email, "not the password");
    const unknown = await login(suite.app, fresh(), "not the password");
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const [a, b] = [await problemWithoutTrace(wrong), await problemWithoutTrace(unknown)];
    expect(a.code).toBe("auth.invalid_credentials");
    expect(b).toEqual(a);
  });

  it("refuses a passkey-only account and a disabled one with the same answer", async () => {
    const email = fresh();
    const account = await registerPasswordAccount(suite.app, email);
    await suite.app.keyship.db
      .updateTable("users")
      .set({ disabled_at: new Date().toISOString() })
      .where("id", "=", account.userId)
      .execute();
    const res = await login(suite.app, email);
    expect(res.status).toBe(401);
    expect(await codeOf(res)).toBe("auth.invalid_credentials");
  });

  it.each([
    ["seven characters", "1234567", "password.too_short"],
    ["seven code points in 14 UTF-16 units", "😀😀😀😀😀😀😀", "password.too_short"],
    ["129 characters", "x".repeat(129), "password.too_long"],
  ])("refuses %s", async (_name, password, code) => {
    const before = await suite.count("users", "devices");
    const res = await register(suite.app, fresh(), password);
    expect(res.status).toBe(400);
    expect(await codeOf(res)).toBe(code);
    expect(await suite.count("users", "devices")).toEqual(before);
  });

  it("accepts exactly 8 and exactly 128 characters", async () => {
    expect((await register(suite.app, fresh(), "12345678")).status).toBe(201);
    expect((await register(suite.app, fresh(), "é".repeat(128))).status).toBe(201);
  });

  it("refuses a taken email and writes nothing", async () => {
    const email = fresh();
    await registerPasswordAccount(suite.app, email);
    const before = await suite.count("users", "devices");
    const res = await register(suite.app, email);
    expect(res.status).toBe(409);
    expect(await codeOf(res)).toBe("password.email_taken");
    expect(await suite.count("users", "devices")).toEqual(before);
  });

  it("refuses a bad device key", async () => {
    const res = await postJson(suite.app, "/auth/login", {
      email: fresh(),
      password: PASSWORD,
      devicePublicKey: { kty: "RSA" },
    });
    expect(res.status).toBe(400);
  });

  it("upgrades a hash made with old parameters on login", async () => {
    const email = fresh();
    const account = await registerPasswordAccount(suite.app, email);
    const db = suite.app.keyship.db;
    const old = await createPasswordHasher({
      params: { memoryCost: 19_456, timeCost: 3, parallelism: 1 },
    }).hash(PASSWORD);
    await db
      .updateTable("users")
      .set({ password_hash: old })
      .where("id", "=", account.userId)
      .execute();
    await loginPasswordAccount(suite.app, email);
    const { password_hash } = await db
      .selectFrom("users")
      .select("password_hash")
      .where("id", "=", account.userId)
      .executeTakeFirstOrThrow();
    expect(password_hash).not.toBe(old);
    expect(password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    // The upgraded hash still signs in.
    await loginPasswordAccount(suite.app, email);
  });
});

describe.each(dialects)("required email verification on $name", (dialect) => {
  const mails = mailbox();
  const suite = useSuite(dialect, {
    passwordAuthEnabled: true,
    requireEmailVerification: true,
    mailer: mails,
    ...ROOMY_LIMITS,
  });

  it("registers without a device, blocks login until the emailed link is confirmed", async () => {
    const email = fresh();
    const res = await register(suite.app, email);
    expect(res.status).toBe(201);
    expect(((await res.json()) as { deviceId: unknown }).deviceId).toBeNull();
    const blocked = await login(suite.app, email);
    expect(blocked.status).toBe(403);
    expect(await codeOf(blocked)).toBe("password.email_unverified");
    // A wrong password still says only "invalid credentials".
    expect(await codeOf(await login(suite.app, email, "wrong password"))).toBe(
      "auth.invalid_credentials",
    );

    const token = mails.lastToken(email);
    const confirmed = await postJson(suite.app, "/auth/email/verify/confirm", { token });
    expect(confirmed.status).toBe(204);
    await loginPasswordAccount(suite.app, email);
    const again = await postJson(suite.app, "/auth/email/verify/confirm", { token });
    expect(again.status).toBe(400);
    expect(await codeOf(again)).toBe("password.token_invalid");
  });

  it("sends a new verification link on request, and answers unknown emails the same", async () => {
    const email = fresh();
    await register(suite.app, email, PASSWORD, newDeviceKey());
    const sentBefore = mails.sent.length;
    const known = await postJson(suite.app, "/auth/email/verify/request", { email });
    const unknown = await postJson(suite.app, "/auth/email/verify/request", { email: fresh() });
    expect([known.status, unknown.status]).toEqual([202, 202]);
    expect(await known.json()).toEqual(await unknown.json());
    expect(mails.sent.length).toBe(sentBefore + 1);
    const token = mails.lastToken(email);
    expect((await postJson(suite.app, "/auth/email/verify/confirm", { token })).status).toBe(204);
  });
});
