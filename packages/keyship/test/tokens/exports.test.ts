import { expect, it } from "vitest";
import * as tokens from "../../src/tokens/index.ts";

it("pins the runtime exports of the tokens feature", () => {
  expect(Object.keys(tokens).sort()).toEqual([
    "TOKEN_ALGORITHMS",
    "TokenError",
    "createTokenIssuer",
    "randomSecret",
  ]);
});

it("makes TokenError a ProblemError with a token code", () => {
  const error = new tokens.TokenError("token.expired", { cause: new Error("jose said so") });

  expect(error).toMatchObject({ name: "TokenError", code: "token.expired", status: 401 });
});
