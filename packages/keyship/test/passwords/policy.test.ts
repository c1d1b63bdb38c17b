import { describe, expect, it } from "vitest";
import { KeyshipConfigError, ProblemError } from "../../src/errors.ts";
import { hashPassword, verifyPassword } from "../../src/passwords/hash.ts";
import {
  checkPasswordPolicy,
  countCodePoints,
  normalizePassword,
  resolvePasswordPolicy,
} from "../../src/passwords/policy.ts";

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof ProblemError) return error.code;
    throw error;
  }
  return undefined;
}

describe("checkPasswordPolicy", () => {
  it("returns the NFKC form: the ﬁ ligature becomes fi", () => {
    expect(checkPasswordPolicy("ﬁnancial-secret")).toBe("financial-secret");
  });

  it("makes the ligature and the plain spelling verify alike", async () => {
    const stored = await hashPassword(checkPasswordPolicy("ﬁnancial-secret"));
    expect(await verifyPassword(stored, normalizePassword("financial-secret"))).toBe(true);
  });

  it("counts after normalization (one ligature is two letters)", () => {
    // "ﬁ" + 6 letters is 7 code points as typed, 8 once normalized.
    expect(checkPasswordPolicy("ﬁabcdef")).toBe("fiabcdef");
  });

  it.each([
    ["7 ASCII characters", "abcdefg", "password.too_short"],
    ["7 emoji (14 UTF-16 units)", "😀".repeat(7), "password.too_short"],
    ["129 emoji", "😀".repeat(129), "password.too_long"],
    ["129 ASCII characters", "a".repeat(129), "password.too_long"],
    ["an empty string", "", "password.too_short"],
  ])("refuses %s", (_label, password, code) => {
    expect(codeOf(() => checkPasswordPolicy(password))).toBe(code);
  });

  it.each([
    ["8 ASCII characters", "abcdefgh"],
    ["8 emoji", "😀".repeat(8)],
    ["128 emoji (256 UTF-16 units)", "😀".repeat(128)],
    ["128 ASCII characters", "a".repeat(128)],
    ["only spaces", " ".repeat(8)],
  ])("accepts %s without truncating", (_label, password) => {
    expect(checkPasswordPolicy(password)).toBe(password);
  });

  it("applies custom bounds", () => {
    expect(codeOf(() => checkPasswordPolicy("a".repeat(11), { minLength: 12 }))).toBe(
      "password.too_short",
    );
    expect(codeOf(() => checkPasswordPolicy("a".repeat(65), { maxLength: 64 }))).toBe(
      "password.too_long",
    );
  });

  it("refuses a lone surrogate", () => {
    expect(codeOf(() => checkPasswordPolicy("abcdefgh\uD800"))).toBe("validation.failed");
  });
});

describe("resolvePasswordPolicy", () => {
  it.each([
    [{ minLength: 7 }],
    [{ maxLength: 63 }],
    [{ minLength: 100, maxLength: 64 }],
    [{ minLength: 8.5 }],
  ])("refuses %j", (options) => {
    expect(() => resolvePasswordPolicy(options)).toThrow(KeyshipConfigError);
  });

  it("fills in the defaults", () => {
    expect(resolvePasswordPolicy()).toEqual({ minLength: 8, maxLength: 128 });
  });
});

describe("countCodePoints", () => {
  it("counts an astral character once", () => {
    expect(countCodePoints("a😀b")).toBe(3);
  });
});
