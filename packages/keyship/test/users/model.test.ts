import { describe, expect, it } from "vitest";
import { ProblemError } from "../../src/errors.ts";
import {
  isRole,
  normalizeEmail,
  parseScopes,
  scopesFromInput,
  serializeScopes,
  toUserView,
} from "../../src/users/model.ts";
import { userRow } from "./fixtures.ts";

function problemOf(run: () => unknown): ProblemError | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof ProblemError) return error;
    throw error;
  }
  return undefined;
}

describe("normalizeEmail", () => {
  it("trims and lower-cases", () => {
    expect(normalizeEmail("  Ada@Example.COM \n")).toBe("ada@example.com");
  });

  it("applies NFKC, folding compatibility characters", () => {
    expect(normalizeEmail("ａｄａ@ｅｘａｍｐｌｅ.com")).toBe("ada@example.com");
  });
});

describe("isRole", () => {
  it.each([["user"], ["admin"]])("accepts %j", (role) => {
    expect(isRole(role)).toBe(true);
  });

  it.each([["Admin"], ["root"], [""]])("rejects %j", (role) => {
    expect(isRole(role)).toBe(false);
  });
});

describe("parseScopes", () => {
  it("reads a JSON array of scopes", () => {
    expect(parseScopes('["billing:refund","docs/read"]')).toEqual(["billing:refund", "docs/read"]);
  });

  it.each([["not json"], ["{}"], ['"a"'], ["null"], [""]])("reads %j as no scopes", (text) => {
    expect(parseScopes(text)).toEqual([]);
  });

  it("drops entries that are not valid scope strings", () => {
    expect(parseScopes('["ok", 3, null, "has space", ""]')).toEqual(["ok"]);
  });
});

describe("serializeScopes", () => {
  it("sorts and de-duplicates", () => {
    expect(serializeScopes(["b", "a", "b"])).toBe('["a","b"]');
  });

  it("serializes an empty list as []", () => {
    expect(serializeScopes([])).toBe("[]");
  });

  it.each([["billing:refund"], ["docs/read"], ["reports.*"], ["a-b_c"], ["x".repeat(128)]])(
    "accepts %j",
    (scope) => {
      expect(serializeScopes([scope])).toBe(JSON.stringify([scope]));
    },
  );

  it.each([
    [""],
    ["has space"],
    ["semi;colon"],
    ['quote"'],
    ["ünïcode"],
    ["x".repeat(129)],
    ["new\nline"],
  ])("rejects %j with validation.failed", (scope) => {
    expect(problemOf(() => serializeScopes(["ok", scope]))?.code).toBe("validation.failed");
  });

  it("lists the invalid scopes in the problem", () => {
    expect(problemOf(() => serializeScopes(["ok", "bad!"]))?.extensions.invalid_scopes).toEqual([
      "bad!",
    ]);
  });
});

describe("scopesFromInput", () => {
  it("splits a string on spaces and commas", () => {
    expect(scopesFromInput("a b,c , d")).toEqual(["a", "b", "c", "d"]);
  });

  it("splits each item of a list", () => {
    expect(scopesFromInput(["a,b", "c"])).toEqual(["a", "b", "c"]);
  });

  it("drops duplicates, keeping the first", () => {
    expect(scopesFromInput("b a b")).toEqual(["b", "a"]);
  });

  it("returns no scopes for blank input", () => {
    expect(scopesFromInput("  , ")).toEqual([]);
  });

  it("rejects a malformed scope with validation.failed", () => {
    expect(problemOf(() => scopesFromInput("ok b@d"))?.code).toBe("validation.failed");
  });
});

describe("toUserView", () => {
  it("maps a row to the public view", () => {
    const row = userRow({
      id: "u1",
      email: "ada@example.com",
      display_name: "Ada",
      role: "admin",
      scopes: '["a"]',
      password_hash: "$argon2id$secret",
      email_verified_at: "2026-01-02T00:00:00.000Z",
    });
    expect(toUserView(row)).toEqual({
      id: "u1",
      email: "ada@example.com",
      displayName: "Ada",
      role: "admin",
      scopes: ["a"],
      emailVerifiedAt: "2026-01-02T00:00:00.000Z",
      disabledAt: null,
      createdAt: row.created_at,
    });
  });

  it("reads an unknown stored role as user", () => {
    expect(toUserView(userRow({ role: "superuser" })).role).toBe("user");
  });
});
