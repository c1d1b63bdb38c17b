/**
 * A TLS-terminating reverse proxy for browser tests, as in a real deployment: Chromium speaks
 * HTTPS to it, it forwards plain HTTP to the app on 127.0.0.1 and says what the client asked
 * for in `X-Forwarded-Proto`, `X-Forwarded-Host` and `X-Forwarded-For`. It records every
 * exchange (headers, status, a bounded copy of the answer) so that a test can wait for the
 * requests the browser makes on its own, e.g. DBSC registration and refresh.
 * @module
 */

import {
  Agent,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
  type ServerResponse,
} from "node:http";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { EventLog, type WaitOptions } from "./event-log.ts";
import type { TestCertificate } from "./tls.ts";

/** One request through the proxy and its answer. */
export interface ProxiedExchange {
  /** Its position in {@link TlsProxy.exchanges}. */
  readonly index: number;
  readonly method: string;
  /** The path and query. */
  readonly path: string;
  readonly requestHeaders: IncomingHttpHeaders;
  readonly status: number;
  readonly responseHeaders: IncomingHttpHeaders;
  /** The answer's body as text, cut at {@link RECORDED_BODY_BYTES}. */
  readonly responseBody: string;
}

/** A running proxy. */
export interface TlsProxy {
  /** `https://localhost:<port>`: the public origin the browser sees. */
  readonly origin: string;
  readonly port: number;
  /** Every finished exchange so far, oldest first. */
  readonly exchanges: readonly ProxiedExchange[];
  /**
   * Resolves with the first exchange from position `since` on that matches, waiting for it
   * if it has not happened yet. @throws after `timeoutMs` (10 s), listing the exchanges seen
   */
  waitForExchange(
    matches: (exchange: ProxiedExchange) => boolean,
    options?: WaitOptions,
  ): Promise<ProxiedExchange>;
  /** Stops accepting connections, ends open ones and waits until closed. */
  close(): Promise<void>;
}

/** Options of {@link startTlsProxy}. */
export interface TlsProxyOptions {
  readonly certificate: TestCertificate;
  /** The plain-HTTP app's port on 127.0.0.1. */
  readonly targetPort: number;
  /** The port to listen on. @default a free one */
  readonly port?: number;
}

/** How much of each answer's body an exchange keeps. */
export const RECORDED_BODY_BYTES = 64 * 1024;

/** Hop-by-hop headers (RFC 9110 §7.6.1): never forwarded. */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

function endToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name)));
}

/** The request's headers as the proxy forwards them, with the X-Forwarded-* it vouches for. */
function forwardedHeaders(incoming: IncomingMessage): IncomingHttpHeaders {
  const headers = endToEnd(incoming.headers);
  const clientIp = incoming.socket.remoteAddress ?? "127.0.0.1";
  const earlier = incoming.headers["x-forwarded-for"];
  headers["x-forwarded-for"] = earlier === undefined ? clientIp : `${earlier}, ${clientIp}`;
  headers["x-forwarded-proto"] = "https";
  if (incoming.headers.host !== undefined) headers["x-forwarded-host"] = incoming.headers.host;
  return headers;
}

/**
 * Starts the proxy in front of `http://127.0.0.1:<targetPort>`.
 * @example
 * const proxy = await startTlsProxy({ certificate, targetPort: server.port });
 * await page.goto(proxy.origin);
 * await proxy.close();
 */
export async function startTlsProxy(options: TlsProxyOptions): Promise<TlsProxy> {
  const log = new EventLog<ProxiedExchange>((e) => `${e.method} ${e.path} → ${e.status}`);
  const agent = new Agent({ keepAlive: true });

  function record(exchange: Omit<ProxiedExchange, "index">): void {
    log.push({ ...exchange, index: log.entries.length });
  }

  function forward(incoming: IncomingMessage, outgoing: ServerResponse): void {
    const method = incoming.method ?? "GET";
    const path = incoming.url ?? "/";
    const upstream = request({
      host: "127.0.0.1",
      port: options.targetPort,
      method,
      path,
      headers: forwardedHeaders(incoming),
      agent,
    });
    upstream.on("response", (answer) => {
      const responseHeaders = endToEnd(answer.headers);
      outgoing.writeHead(answer.statusCode ?? 502, responseHeaders);
      const kept: Buffer[] = [];
      let keptBytes = 0;
      answer.on("data", (chunk: Buffer) => {
        if (keptBytes < RECORDED_BODY_BYTES) kept.push(chunk);
        keptBytes += chunk.length;
        outgoing.write(chunk);
      });
      answer.on("end", () => {
        outgoing.end();
        const body = Buffer.concat(kept).subarray(0, RECORDED_BODY_BYTES).toString("utf8");
        record({
          method,
          path,
          requestHeaders: incoming.headers,
          status: answer.statusCode ?? 502,
          responseHeaders,
          responseBody: body,
        });
      });
    });
    upstream.on("error", (error) => {
      if (!outgoing.headersSent) outgoing.writeHead(502, { "content-type": "text/plain" });
      outgoing.end(`proxy: ${error.message}`);
    });
    incoming.pipe(upstream);
  }

  const server = createServer(
    { cert: options.certificate.certificatePem, key: options.certificate.privateKeyPem },
    forward,
  );
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    origin: `https://localhost:${port}`,
    port,
    get exchanges() {
      return log.entries;
    },
    waitForExchange: (matches, waitOptions) => log.waitFor(matches, waitOptions),
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      agent.destroy();
      await closed;
    },
  };
}
