/**
 * A small keyship-like HTTP server on 127.0.0.1 for the client tests: it records every
 * request, binds device public keys on sign-in, and verifies device tokens with jose.
 */

import { once } from "node:events";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { decodeProtectedHeader, importJWK, type JWK, type JWTPayload, jwtVerify } from "jose";

/** One request as the server saw it. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
}

/** What a route handler answers. */
export interface Reply {
  readonly status?: number;
  readonly json?: unknown;
  readonly text?: string;
  readonly contentType?: string;
}

export type Handler = (request: RecordedRequest) => Reply | Promise<Reply>;

export interface TestServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Public JWKs bound by sign-in routes, by device id. */
  readonly devices: Map<string, JWK>;
  /** Adds or replaces a route; `path` is matched exactly. */
  route(method: string, path: string, handler: Handler): void;
  /** Verifies the request's bearer device token; returns the device id and payload. */
  verifyBearer(
    request: RecordedRequest,
    audience?: string,
  ): Promise<{ deviceId: string; payload: JWTPayload }>;
  /** Binds `devicePublicKey` from the body to a new device id and returns it. */
  bindDevice(request: RecordedRequest): string;
  close(): Promise<void>;
}

/** A problem+json reply, as the keyship server sends them. */
export function problem(status: number, code: string): Reply {
  return {
    status,
    contentType: "application/problem+json",
    json: {
      type: `urn:keyship:error:${code}`,
      title: "Title",
      status,
      detail: "Detail",
      code,
      trace_id: "trace-123",
    },
  };
}

/**
 * Starts the server. `now` is the clock used to verify token times (pin it with the
 * client's clock).
 */
export async function startTestServer(now: () => number = Date.now): Promise<TestServer> {
  const routes = new Map<string, Handler>();
  const requests: RecordedRequest[] = [];
  const devices = new Map<string, JWK>();
  let nextDevice = 1;

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const recorded: RecordedRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      headers: req.headers,
      body: raw === "" ? undefined : safeJson(raw),
    };
    requests.push(recorded);
    const handler = routes.get(`${recorded.method} ${recorded.path}`);
    let reply: Reply;
    try {
      reply = handler === undefined ? problem(404, "route.not_found") : await handler(recorded);
    } catch {
      reply = problem(401, "token.invalid");
    }
    const body = reply.text ?? (reply.json === undefined ? "" : JSON.stringify(reply.json));
    res.writeHead(reply.status ?? 200, {
      "content-type": reply.contentType ?? "application/json",
      "cache-control": "no-store",
    });
    res.end(body);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    devices,
    route(method, path, handler) {
      routes.set(`${method} ${path}`, handler);
    },
    async verifyBearer(request, audience = "keyship:http") {
      const header = request.headers.authorization ?? "";
      const token = header.replace(/^Bearer /, "");
      const { kid } = decodeProtectedHeader(token);
      const jwk = kid === undefined ? undefined : devices.get(kid);
      if (kid === undefined || jwk === undefined) throw new Error("unknown device");
      const key = await importJWK(jwk, "ES256");
      const { payload } = await jwtVerify(token, key, {
        algorithms: ["ES256"],
        audience,
        typ: "JWT",
        currentDate: new Date(now()),
        requiredClaims: ["iat", "exp", "jti"],
      });
      return { deviceId: kid, payload };
    },
    bindDevice(request) {
      const body = request.body as { devicePublicKey: JWK };
      const deviceId = `d${nextDevice++}`;
      devices.set(deviceId, body.devicePublicKey);
      return deviceId;
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}
