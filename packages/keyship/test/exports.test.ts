import { expect, it } from "vitest";
import * as api from "../src/index.ts";

it("pins the public export list", () => {
  expect(Object.keys(api).sort()).toMatchInlineSnapshot(`
    [
      "DevicePublicJwkSchema",
      "KeyshipConfigError",
      "MigrationError",
      "PROBLEM_CATALOG",
      "ProblemError",
      "SETTINGS",
      "createApp",
      "createKeyship",
      "createLogger",
      "createRouter",
      "keyship",
      "listen",
      "loadSettings",
      "migrateToLatest",
      "migrationStatus",
      "newId",
      "openDatabase",
      "problemErrorHandler",
      "requireAdmin",
      "requireClaims",
      "requireRoles",
      "requireScopes",
      "requireUser",
    ]
  `);
});
