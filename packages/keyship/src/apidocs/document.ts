/**
 * The finishing touches of the served OpenAPI document: an `operationId` for every operation,
 * the security schemes its requirements name (and the OAuth scopes they list), and a server.
 * @module
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { SecuritySchemeName } from "../guards/requirements.ts";

/** The document `@hono/zod-openapi` generates (OpenAPI 3.1). */
export type OpenApiDocument = ReturnType<OpenAPIHono["getOpenAPI31Document"]>;

/** The document's `info`: what it says about your API. */
export interface OpenApiInfo {
  readonly title: string;
  readonly version: string;
  readonly summary?: string;
  readonly description?: string;
  /** e.g. `{ name: "MIT", identifier: "MIT" }` (an SPDX identifier) or `{ name, url }`. */
  readonly license?: { readonly name: string; readonly identifier?: string; readonly url?: string };
  readonly contact?: { readonly name?: string; readonly url?: string; readonly email?: string };
}

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

interface Operation {
  operationId?: string;
  security?: Record<string, string[]>[];
}

/** The operations of a document with their method and path. */
function operationsOf(
  document: OpenApiDocument,
): { method: string; path: string; op: Operation }[] {
  return Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    METHODS.flatMap((method) => {
      const op = (item as Record<string, Operation | undefined>)[method];
      return op === undefined ? [] : [{ method, path, op }];
    }),
  );
}

/** `post` + `/auth/passkeys/{id}/revoke` → `postAuthPasskeysByIdRevoke`. */
export function operationIdOf(method: string, path: string): string {
  const words = path.split("/").flatMap((segment) => {
    const param = /^\{(.+)\}$/.exec(segment);
    const parts = (param?.[1] ?? segment).split(/[^A-Za-z0-9]+/).filter((w) => w !== "");
    const pascal = parts.map((w) => w.charAt(0).toUpperCase() + w.slice(1));
    return param === null ? pascal : ["By", ...pascal];
  });
  return method + words.join("");
}

/** The security schemes keyship's guards name. */
function schemeObjects(accessCookie: string, scopes: ReadonlyMap<string, string[]>) {
  return {
    bearerAuth: {
      type: "http",
      scheme: "bearer",
      bearerFormat: "JWT",
      description:
        "A device token (ES256, signed by the browser's device key), a session's access token, an OAuth client's access token, or an access token of a trusted issuer (resource-server mode).",
    },
    dpopAuth: {
      type: "http",
      scheme: "DPoP",
      bearerFormat: "JWT",
      description:
        "A DPoP-bound session access token (`tokenType: DPoP`) as `Authorization: DPoP <token>`, with a fresh `DPoP` proof header of its key on every request (RFC 9449; docs/dpop.md).",
    },
    cookieAuth: {
      type: "apiKey",
      in: "cookie",
      name: accessCookie,
      description:
        "Cookie mode: the session's access token in its HttpOnly cookie. Unsafe methods also pass the CSRF check.",
    },
    apiKeyAuth: {
      type: "apiKey",
      in: "header",
      name: "X-API-Key",
      description: "An API key (`ksk_…`); `Authorization: Bearer ksk_…` works too.",
    },
    clientCredentials: {
      type: "oauth2",
      description: "An OAuth client's access token, from the client-credentials grant.",
      flows: {
        clientCredentials: {
          tokenUrl: "/auth/oauth/token",
          scopes: Object.fromEntries(
            [...scopes].map(([scope, ops]) => [scope, `Asked for by ${ops.join(", ")}.`]),
          ),
        },
      },
    },
    clientSecretBasic: {
      type: "http",
      scheme: "basic",
      description:
        "An OAuth client's id and secret (`client_secret_basic`); `client_secret_post` sends them in the form instead.",
    },
    masterToken: {
      type: "apiKey",
      in: "header",
      name: "X-Master-Token",
      description:
        "The master token (`KEYSHIP_MASTER_TOKEN`), for operators' machine access; `Authorization: Bearer` works too.",
    },
  } satisfies Record<SecuritySchemeName | "clientSecretBasic", unknown>;
}

/**
 * Completes a generated document in place: a unique `operationId` for each operation that has
 * none (from its method and path), `components.securitySchemes` with the schemes its
 * operations name (and the scopes they list, for the OAuth scheme), and `servers` (`/`, the
 * origin serving the document) when it has none.
 * @param document the generated document
 * @param accessCookie the name of the session's access-token cookie
 * @returns the same document
 */
export function finishDocument(document: OpenApiDocument, accessCookie: string): OpenApiDocument {
  const operations = operationsOf(document);
  const taken = new Set(operations.flatMap(({ op }) => op.operationId ?? []));
  const used = new Set<string>();
  const scopes = new Map<string, string[]>();
  for (const { method, path, op } of operations) {
    if (op.operationId === undefined) {
      const base = operationIdOf(method, path);
      let id = base;
      for (let n = 2; taken.has(id); n++) id = `${base}${n}`;
      op.operationId = id;
      taken.add(id);
    }
    for (const requirement of op.security ?? []) {
      for (const [scheme, listed] of Object.entries(requirement)) {
        used.add(scheme);
        if (scheme !== "clientCredentials") continue;
        for (const scope of listed) {
          scopes.set(scope, [...(scopes.get(scope) ?? []), `${method.toUpperCase()} ${path}`]);
        }
      }
    }
  }
  const schemes = Object.entries(schemeObjects(accessCookie, scopes)).filter(([name]) =>
    used.has(name),
  );
  document.components = {
    ...document.components,
    securitySchemes: { ...document.components?.securitySchemes, ...Object.fromEntries(schemes) },
  } as OpenApiDocument["components"];
  document.servers ??= [{ url: "/" }];
  return document;
}
