import { describe, expect, it } from "vitest";
import { createKeyshipClient, isKeyshipError, type KeyshipClientOptions } from "../src/index.ts";

describe("createKeyshipClient options", () => {
  it.each<[string, Partial<KeyshipClientOptions>]>([
    ["a relative baseUrl", { baseUrl: "/auth" }],
    ["a non-http baseUrl", { baseUrl: "ftp://example.com" }],
    ["a baseUrl with a query", { baseUrl: "https://example.com/?x=1" }],
    ["a token lifetime above 900 s", { tokenLifetimeSeconds: 901 }],
    ["a token lifetime below 30 s", { tokenLifetimeSeconds: 10 }],
    ["a refresh margin as long as the lifetime", { tokenRefreshMarginSeconds: 300 }],
    ["a ws token lifetime of 0", { wsTokenLifetimeSeconds: 0 }],
    ["an api origin that is not a URL", { apiOrigins: ["example.com"] }],
  ])("refuses %s with client.invalid_options", (_, options) => {
    const create = () => createKeyshipClient({ baseUrl: "https://example.com", ...options });
    expect(create).toThrow();
    try {
      create();
    } catch (error) {
      expect(isKeyshipError(error, "client.invalid_options")).toBe(true);
    }
  });

  it("keeps a path prefix of baseUrl and drops its trailing slash", () => {
    expect(() => createKeyshipClient({ baseUrl: "https://example.com/api/" })).not.toThrow();
  });
});
