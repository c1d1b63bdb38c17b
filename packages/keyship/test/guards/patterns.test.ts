/** Loading the route-protection table: sources, order, the fastauth-api lists, bad config. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.ts";
import { loadProtection } from "../../src/guards/patterns.ts";
import { compileProtection, describeProtection } from "../../src/guards/protect.ts";
import { tempDirIo } from "../cli/env-io.ts";
import { testApp } from "../helpers/app.ts";
import { problemsOf } from "../helpers/config-problems.ts";

/** A directory holding `keyship.config.json` with `document` (a value, or raw text). */
function configDir(document: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), "keyship-protect-"));
  const text = typeof document === "string" ? document : JSON.stringify(document);
  writeFileSync(join(dir, "keyship.config.json"), text);
  return dir;
}

const load = (document: unknown, protect?: string | object, configFile = "keyship.config.json") =>
  loadProtection(
    { configFile, protect: protect as string | undefined },
    document === undefined ? mkdtempSync(join(tmpdir(), "keyship-empty-")) : configDir(document),
  );

describe("route-protection rules", () => {
  it("reads no rules when the default file is absent and nothing is set", () => {
    const table = load(undefined);
    expect(table).toMatchObject({ rules: [], fallback: "public", sources: [] });
    expect(compileProtection(table)).toBeUndefined();
  });

  it("keeps the file's order, defaulting require to user and GET to GET and HEAD at match time", () => {
    const table = load({
      protect: [
        { path: "/internal/*", require: "master" },
        { path: "/api/*", require: "user" },
        { path: "/billing/*", methods: ["post"], scopes: ["billing:write"] },
      ],
    });
    expect(table.rules.map((r) => [r.path, r.methods, r.require, r.scopes, r.origin])).toEqual([
      ["/internal/*", undefined, "master", undefined, "keyship.config.json protect[0]"],
      ["/api/*", undefined, "user", undefined, "keyship.config.json protect[1]"],
      ["/billing/*", ["POST"], "user", ["billing:write"], "keyship.config.json protect[2]"],
    ]);
  });

  it("puts the file's rules before KEYSHIP_PROTECT's, and the file's default wins", () => {
    const table = load(
      { protect: [{ path: "/a/*", require: "admin" }], default: "user" },
      JSON.stringify({ protect: [{ path: "/a/*", require: "public" }], default: "public" }),
    );
    expect(table.rules.map((r) => r.origin)).toEqual([
      "keyship.config.json protect[0]",
      "KEYSHIP_PROTECT protect[0]",
    ]);
    expect(table).toMatchObject({ fallback: "user", fallbackOrigin: "keyship.config.json" });
    expect(table.sources).toEqual(["keyship.config.json", "KEYSHIP_PROTECT"]);
  });

  it("takes KEYSHIP_PROTECT's default when the file sets none, and a bare list as rules", () => {
    const table = load({ protect: [] }, '{"default":"user"}');
    expect(table.fallback).toBe("user");
    expect(load(undefined, '[{"path":"/x","require":"admin"}]').rules[0]?.origin).toBe(
      "KEYSHIP_PROTECT protect[0]",
    );
  });

  it("maps fastauth-api's master-token-paths and access-token-paths to prefix rules", () => {
    const table = load({
      "master-token-paths": ["/internal"],
      "access-token-paths": ["/api/", "/v2/*"],
    });
    expect(table.rules.map((r) => [r.path, r.require, r.origin])).toEqual([
      ["/internal*", "master", "keyship.config.json master-token-paths[0]"],
      ["/api/*", "user", "keyship.config.json access-token-paths[0]"],
      ["/v2/*", "user", "keyship.config.json access-token-paths[1]"],
    ]);
  });

  it.each([
    [
      { protect: [{ path: "/a" }, { path: "/b" }, { path: "/c", require: "owner" }] },
      "keyship.config.json protect[2].require: expected one of public, user, admin, master, apikey, client, external.",
    ],
    [
      { protect: [{ path: "/a", methods: ["FETCH"] }] },
      "keyship.config.json protect[0].methods[0]: expected one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS.",
    ],
    [
      { protect: [{ path: "/a", methods: [] }] },
      "keyship.config.json protect[0].methods: must name at least one method.",
    ],
    [{ protect: [{ path: "api/*" }] }, /protect\[0\]\.path: must start with \//],
    [
      { protect: [{ path: "/api/*/x" }] },
      /protect\[0\]\.path: must start with \/ and may only end in \*/,
    ],
    [{ protect: [{ path: "/users/:id" }] }, /protect\[0\]\.path: has a :param segment/],
    [{ protect: [{ path: "/a?x=1" }] }, /protect\[0\]\.path: must start/],
    [
      { protect: [{ path: "/a", roles: ["owner"] }] },
      /protect\[0\]\.roles\[0\]: expected one of user, admin/,
    ],
    [
      { protect: [{ path: "/a", scopes: ["has space"] }] },
      /protect\[0\]\.scopes\[0\]: is not a scope/,
    ],
    [
      { protect: [{ path: "/a", require: "public", scopes: ["x"] }] },
      /protect\[0\]\.require: a public or master rule takes no roles or scopes/,
    ],
    [
      { protect: [{ path: "/a", require: "master", roles: ["admin"] }] },
      /protect\[0\]\.require: a public or master rule takes no roles or scopes/,
    ],
    [{ protect: [{ path: "/a", requires: "user" }] }, /protect\[0\]: unknown key 'requires'/],
    [{ protect: { path: "/a" } }, /keyship\.config\.json protect: must be a list of rules/],
    [{ default: "nobody" }, /keyship\.config\.json default: expected one of/],
    [
      { "master-token": "abc" },
      /unknown key 'master-token' \(secrets belong in KEYSHIP_\* variables/,
    ],
    [{ "master-token-paths": ["internal"] }, /master-token-paths\[0\]: must start with \//],
    ["{ not json", /^keyship\.config\.json is not valid JSON/],
  ])("refuses the bad config %j, naming the entry", (document, message) => {
    const problems = problemsOf(() => load(document));
    expect(problems).toHaveLength(1);
    if (typeof message === "string") expect(problems[0]).toBe(message);
    else expect(problems[0]).toMatch(message);
  });

  it("lists the problems of both sources at once", () => {
    const problems = problemsOf(() =>
      load({ protect: [{ path: "x" }] }, '{"protect":[{"path":"/y","require":"root"}]}'),
    );
    expect(problems.map((p) => p.split(":")[0])).toEqual([
      "keyship.config.json protect[0].path",
      "KEYSHIP_PROTECT protect[0].require",
    ]);
  });

  it("refuses a config file that KEYSHIP_CONFIG_FILE names but that does not exist", () => {
    expect(problemsOf(() => load(undefined, undefined, "ops/rules.json"))).toEqual([
      "KEYSHIP_CONFIG_FILE names ops/rules.json, which does not exist.",
    ]);
  });

  it("stops createApp() with a KeyshipConfigError naming the bad entry", () => {
    expect(() =>
      testApp("sqlite::memory:", { protect: { protect: [{ path: "/a", require: "boss" }] } }),
    ).toThrow(/option protect protect\[0\]\.require: expected one of/);
  });

  it("describes the effective table in match order", () => {
    const table = load(
      { protect: [{ path: "/internal/*", require: "master" }], default: "user" },
      '[{"path":"/billing/*","methods":["POST"],"scopes":["billing:write"],"roles":["admin"]}]',
    );
    const lines = describeProtection(table, { ownPaths: ["/auth/*"] });
    expect(lines.map((line) => line.split(/ {2,}/))).toEqual([
      ["#", "path", "methods", "requires", "from"],
      ["1", "/internal/*", "any", "master", "keyship.config.json protect[0]"],
      [
        "2",
        "/billing/*",
        "POST",
        "user, roles admin, scopes billing:write",
        "KEYSHIP_PROTECT protect[0]",
      ],
      ["-", "/auth/*", "any", "its own guards", "keyship"],
      ["*", "anything else", "any", "user", "keyship.config.json"],
    ]);
  });
});

describe("keyship doctor and the route table", () => {
  it("prints the effective table", async () => {
    const io = await tempDirIo({
      KEYSHIP_DATABASE_URL: "sqlite::memory:",
      KEYSHIP_PROTECT: '{"protect":[{"path":"/api/*","require":"user"}]}',
    });
    writeFileSync(
      join(io.cwd, "keyship.config.json"),
      JSON.stringify({ protect: [{ path: "/internal/*", require: "master" }] }),
    );
    expect(await runCli(["doctor"], io)).toBe(0);
    const out = io.lines.join("\n");
    expect(out).toMatch(/ok +2 route rules \(keyship\.config\.json, KEYSHIP_PROTECT\)/);
    expect(out).toMatch(/1 +\/internal\/\* +any +master +keyship\.config\.json protect\[0\]/);
    expect(out).toMatch(/2 +\/api\/\* +any +user +KEYSHIP_PROTECT protect\[0\]/);
    expect(out).toMatch(/\* +anything else +any +public +built-in default/);
  });

  it("says when there are no rules", async () => {
    const io = await tempDirIo({ KEYSHIP_DATABASE_URL: "sqlite::memory:" });
    expect(await runCli(["doctor"], io)).toBe(0);
    expect(io.lines.join("\n")).toMatch(
      /ok +no route rules: routes are protected by their guards only/,
    );
  });

  it("fails on a bad rule, naming it", async () => {
    const io = await tempDirIo({
      KEYSHIP_DATABASE_URL: "sqlite::memory:",
      KEYSHIP_PROTECT: '[{"path":"/a","methods":["GRAB"]}]',
    });
    expect(await runCli(["doctor"], io)).toBe(1);
    expect(io.errors.join("\n")).toMatch(
      /FAIL +KEYSHIP_PROTECT protect\[0\]\.methods\[0\]: expected/,
    );
  });
});
