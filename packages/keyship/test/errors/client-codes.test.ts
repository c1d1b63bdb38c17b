/**
 * `@keyship/client`'s error-code union is closed: it lists the server's catalogue exactly.
 * Both a type-level and a runtime check, so neither a new server code nor a stale client code
 * goes unnoticed.
 */
import { expect, it } from "vitest";
import { SERVER_ERROR_CODES, type ServerErrorCode } from "../../../client/src/errors.ts";
import { PROBLEM_CATALOG, type ProblemCode } from "../../src/errors.ts";

// Compile-time: each union is assignable to the other (tsc runs over the tests).
const serverToClient: ServerErrorCode = "validation.failed" as ProblemCode;
const clientToServer: ProblemCode = "validation.failed" as ServerErrorCode;

it("lists every code of the server's catalogue, and nothing else", () => {
  expect([serverToClient, clientToServer]).toEqual(["validation.failed", "validation.failed"]);
  expect([...SERVER_ERROR_CODES].sort()).toEqual(Object.keys(PROBLEM_CATALOG).sort());
});
