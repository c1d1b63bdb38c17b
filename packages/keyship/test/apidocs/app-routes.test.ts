/**
 * The app's own routes in `/openapi.json`: declared with `app.openapi(createRoute(…))` on
 * `createApp()`'s app or on a `createRouter()` router, they appear with the security their
 * guards admit, and keep being protected and validated like keyship's own routes.
 */
import { createRoute } from "@hono/zod-openapi";
import { afterAll, describe, expect, it } from "vitest";
import { createRouter } from "../../src/http/router.ts";
import { requireMaster, requireUser } from "../../src/index.ts";
import { testApp } from "../helpers/app.ts";
import { SoftwareAuthenticator } from "../helpers/authenticator.ts";
import { registerAccount, TEST_ORIGIN } from "../helpers/passkeys.ts";
import { addExampleRoutes, ok, USER_SCHEMES } from "./example-routes.ts";

interface Operation {
  operationId?: string;
  security?: Record<string, string[]>[];
  responses: Record<string, unknown>;
  "x-keyship-roles"?: string[];
  "x-keyship-step-up"?: boolean;
}

interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: {
    securitySchemes: Record<string, { type: string; flows?: unknown; in?: string; name?: string }>;
  };
}

describe("app routes in /openapi.json", () => {
  const info = {
    title: "Orders API",
    version: "2.0.0",
    license: { name: "MIT", identifier: "MIT" },
  };
  const app = addExampleRoutes(
    testApp("sqlite::memory:", { masterToken: "m".repeat(48), openapiInfo: info }),
  );
  afterAll(() => app.keyship.close());
  const document = (async () => (await (await app.request("/openapi.json")).json()) as Document)();
  const op = async (path: string, method = "get") => {
    const found = (await document).paths[path]?.[method];
    if (found === undefined) throw new Error(`${method} ${path} missing`);
    return found;
  };

  it("describes the app with its openapiInfo, served from its own origin", async () => {
    const doc = (await document) as Document & { info: unknown; servers: unknown };
    expect(doc.info).toEqual(info);
    expect(doc.servers).toEqual([{ url: "/" }]);
  });

  it("marks a route without guards public (security: [])", async () => {
    expect((await op("/api/public")).security).toEqual([]);
  });

  it("shows requireUser() as any signed-in credential, with its 401 and 403", async () => {
    const operation = await op("/api/user");
    expect(operation.security).toEqual(USER_SCHEMES.map((s) => ({ [s]: [] })));
    expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(["200", "401", "403"]));
  });

  it("lists requireScopes()' scopes in every scheme and defines them on the OAuth scheme", async () => {
    const scopes = ["reports:read", "reports:export"];
    expect((await op("/api/scoped")).security).toEqual(USER_SCHEMES.map((s) => ({ [s]: scopes })));
    const flows = (await document).components.securitySchemes.clientCredentials?.flows as {
      clientCredentials: { tokenUrl: string; scopes: Record<string, string> };
    };
    expect(flows.clientCredentials.tokenUrl).toBe("/auth/oauth/token");
    expect(Object.keys(flows.clientCredentials.scopes)).toEqual(
      expect.arrayContaining([...scopes, "orders:read"]),
    );
  });

  it("names requireAdmin()'s role", async () => {
    const operation = await op("/api/admin");
    expect(operation.security).toEqual(USER_SCHEMES.map((s) => ({ [s]: [] })));
    expect(operation["x-keyship-roles"]).toEqual(["admin"]);
  });

  it("shows requireMaster() as the master-token scheme only", async () => {
    expect((await op("/api/master")).security).toEqual([{ masterToken: [] }]);
    expect((await document).components.securitySchemes.masterToken).toMatchObject({
      type: "apiKey",
      in: "header",
      name: "X-Master-Token",
    });
  });

  it("shows requireClaims() as any credential, the master token included", async () => {
    const schemes = (await op("/api/claims")).security?.map((r) => Object.keys(r)[0]);
    expect(schemes).toEqual([...USER_SCHEMES, "masterToken"]);
  });

  it("narrows a step-up route to the credentials that can step up", async () => {
    const operation = await op("/api/sensitive");
    expect(operation.security).toEqual([{ bearerAuth: [] }, { cookieAuth: [] }, { dpopAuth: [] }]);
    expect(operation["x-keyship-step-up"]).toBe(true);
    expect(Object.keys(operation.responses)).toContain("401");
  });

  it("keeps a route's own security", async () => {
    expect((await op("/api/declared")).security).toEqual([{ bearerAuth: [] }]);
  });

  it("carries the security of a createRouter() router mounted with app.route()", async () => {
    const operation = await op("/api/orders/{id}");
    expect(operation.security).toEqual(USER_SCHEMES.map((s) => ({ [s]: ["orders:read"] })));
    expect(operation.operationId).toBe("getApiOrdersById");
  });

  it("gives every operation a unique operationId and defines every scheme it names", async () => {
    const doc = await document;
    const operations = Object.values(doc.paths).flatMap((item) => Object.values(item));
    const ids = operations.map((o) => o.operationId);
    expect(ids.every((id) => typeof id === "string")).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    const named = new Set(operations.flatMap((o) => (o.security ?? []).flatMap(Object.keys)));
    expect([...named].filter((s) => doc.components.securitySchemes[s] === undefined)).toEqual([]);
    expect((await op("/api/echo", "post")).security).toEqual(
      USER_SCHEMES.map((s) => ({ [s]: [] })),
    );
  });

  it("leaves out routes added without openapi()", async () => {
    expect((await document).paths["/api/plain"]).toBeUndefined();
  });

  it("still guards and validates the documented routes", async () => {
    expect((await app.request("/api/user")).status).toBe(401);
    const account = await registerAccount(app, new SoftwareAuthenticator({ origin: TEST_ORIGIN }));
    const headers = { ...(await account.auth()), "content-type": "application/json" };
    expect((await app.request("/api/user", { headers })).status).toBe(200);
    expect((await app.request("/api/scoped", { headers })).status).toBe(403);
    const invalid = await app.request("/api/echo", {
      method: "POST",
      headers,
      body: JSON.stringify({ name: "x".repeat(21) }),
    });
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get("content-type")).toContain("application/problem+json");
    expect(((await invalid.json()) as { code: string }).code).toBe("validation.failed");
  });

  it("refuses guards that no credential can pass together", () => {
    const router = createRouter();
    expect(() =>
      router.openapi(
        createRoute({
          method: "get",
          path: "/never",
          summary: "Never",
          middleware: [requireUser(), requireMaster()] as const,
          responses: ok,
        }),
        (c) => c.json({ ok: true }, 200),
      ),
    ).toThrow(TypeError);
  });
});
