import { describe, expect, it } from "vitest";
import { errorFromResponse, isKeyshipError, KeyshipError, readProblem } from "../src/errors.ts";

const problemBody = {
  type: "urn:keyship:error:passkey.last_passkey",
  title: "The last sign-in method of an account cannot be revoked.",
  status: 409,
  detail: "Add another passkey first.",
  code: "passkey.last_passkey",
  trace_id: "0af7651916cd43dd8448eb211c80319c",
};

function problemResponse(body: unknown, status = 409, contentType = "application/problem+json") {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": contentType } });
}

describe("errorFromResponse", () => {
  it("builds a KeyshipError from every problem+json member", async () => {
    const error = await errorFromResponse(problemResponse(problemBody));
    expect(error).toBeInstanceOf(KeyshipError);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: "KeyshipError",
      code: "passkey.last_passkey",
      status: 409,
      title: problemBody.title,
      detail: problemBody.detail,
      traceId: problemBody.trace_id,
      type: problemBody.type,
      message: problemBody.detail,
    });
  });

  it("keeps the failing fields of validation.failed, dropping entries of another shape", async () => {
    const body = {
      ...problemBody,
      code: "validation.failed",
      status: 400,
      errors: [
        { path: "organizationId", message: "Too small" },
        { path: 3, message: "not a path" },
        "junk",
      ],
    };
    const error = await errorFromResponse(problemResponse(body, 400));
    expect(error.errors).toEqual([{ path: "organizationId", message: "Too small" }]);
    expect((await errorFromResponse(problemResponse(problemBody))).errors).toEqual([]);
  });

  it("accepts a content type with parameters", async () => {
    const response = problemResponse(problemBody, 409, "application/problem+json; charset=utf-8");
    expect((await errorFromResponse(response)).code).toBe("passkey.last_passkey");
  });

  it("takes the status from HTTP, not from the body", async () => {
    const error = await errorFromResponse(problemResponse({ ...problemBody, status: 200 }, 409));
    expect(error.status).toBe(409);
  });

  it.each([
    ["an HTML error page", "<h1>Bad gateway</h1>", "text/html"],
    ["plain JSON", JSON.stringify(problemBody), "application/json"],
    [
      "problem+json without code",
      JSON.stringify({ title: "x", status: 502 }),
      "application/problem+json",
    ],
    ["malformed problem+json", "{not json", "application/problem+json"],
    ["a problem that is not an object", "42", "application/problem+json"],
  ])("maps %s to client.unexpected_response with the HTTP status", async (_, body, type) => {
    const response = new Response(body, { status: 502, headers: { "content-type": type } });
    const error = await errorFromResponse(response);
    expect(error.code).toBe("client.unexpected_response");
    expect(error.status).toBe(502);
    expect(error.traceId).toBeUndefined();
  });

  it("leaves the response body unread", async () => {
    const response = problemResponse(problemBody);
    await errorFromResponse(response);
    expect(await response.json()).toEqual(problemBody);
  });
});

describe("readProblem", () => {
  it("accepts traceId as well as trace_id", async () => {
    const { trace_id, ...rest } = problemBody;
    const problem = await readProblem(problemResponse({ ...rest, traceId: trace_id }));
    expect(problem?.traceId).toBe(trace_id);
  });
});

describe("KeyshipError", () => {
  it("gives client codes a title and status 0", () => {
    const error = new KeyshipError({ code: "client.network_error" });
    expect(error.status).toBe(0);
    expect(error.title).toBe("The server could not be reached.");
    expect(error.detail).toBe(error.title);
  });

  it("keeps the cause", () => {
    const cause = new TypeError("fetch failed");
    expect(new KeyshipError({ code: "client.network_error", cause }).cause).toBe(cause);
  });

  it("is recognised by isKeyshipError, with or without a code", () => {
    const error = new KeyshipError({ code: "webauthn.not_allowed" });
    expect(isKeyshipError(error)).toBe(true);
    expect(isKeyshipError(error, "webauthn.not_allowed")).toBe(true);
    expect(isKeyshipError(error, "webauthn.aborted")).toBe(false);
    expect(isKeyshipError(new Error("x"))).toBe(false);
  });
});
