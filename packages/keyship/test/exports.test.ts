/**
 * Pins the public surface: the root and every subpath of package.json's `exports`, a small
 * root, and no name exported by two entry points.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const packageDir = join(import.meta.dirname, "..");
const manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as {
  exports: Record<string, { "keyship-source": string }>;
};

async function namesOf(subpath: string): Promise<string[]> {
  const entry = manifest.exports[subpath];
  if (entry === undefined) throw new Error(`no export ${subpath}`);
  const module = (await import(join(packageDir, entry["keyship-source"]))) as object;
  return Object.keys(module).sort();
}

describe("public surface", () => {
  it("pins the root export list: factories, guards, errors, settings", async () => {
    expect(await namesOf(".")).toEqual([
      "KeyshipConfigError",
      "PROBLEM_CATALOG",
      "ProblemError",
      "SETTINGS",
      "createApp",
      "createKeyship",
      "createRouter",
      "keyship",
      "listen",
      "loadSettings",
      "logAction",
      "problemErrorHandler",
      "requireAdmin",
      "requireClaims",
      "requireMaster",
      "requireRoles",
      "requireScopes",
      "requireUser",
    ]);
  });

  it.each([
    [
      "./passwords",
      [
        "DEFAULT_ARGON2_PARAMS",
        "checkPasswordPolicy",
        "createPasswordHasher",
        "hashPassword",
        "needsRehash",
        "normalizePassword",
        "verifyAgainstDummy",
        "verifyPassword",
      ],
    ],
    [
      "./email",
      [
        "MailDeliveryError",
        "buildLink",
        "consoleMailer",
        "createMailer",
        "emailVerificationEmail",
        "passwordResetEmail",
        "smtpMailer",
      ],
    ],
    [
      "./ratelimit",
      ["assertAllowed", "createRateLimiter", "memoryRateLimitStore", "redisRateLimitStore"],
    ],
    ["./database", ["MigrationError", "migrateToLatest", "migrationStatus", "openDatabase"]],
    ["./crypto", ["CryptoError", "decrypt", "decryptBytes", "encrypt", "encryptionKeys"]],
    ["./testing", ["createTestUser"]],
  ])("pins the export list of keyship%s", async (subpath, expected) => {
    expect(await namesOf(subpath)).toEqual(expected);
  });

  it("keeps the root at 25 names or fewer", async () => {
    expect((await namesOf(".")).length).toBeLessThanOrEqual(25);
  });

  it("exports no name from two entry points", async () => {
    const owners = new Map<string, string[]>();
    for (const subpath of Object.keys(manifest.exports)) {
      for (const name of await namesOf(subpath)) {
        owners.set(name, [...(owners.get(name) ?? []), subpath]);
      }
    }
    const twice = [...owners].filter(([, where]) => where.length > 1);
    expect(twice).toEqual([]);
  });
});
