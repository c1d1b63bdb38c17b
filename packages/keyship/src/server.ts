/**
 * `listen()`: serves a keyship app with Node's HTTP server and shuts down gracefully.
 * @module
 */
import { type ServerType, serve } from "@hono/node-server";
import { WebSocketServer } from "ws";
import type { KeyshipApp } from "./app.ts";
import { KeyshipConfigError } from "./errors.ts";
import { selectProtocol } from "./realtime/websocket-route.ts";

/** Options of {@link listen}. */
export interface ListenOptions {
  /** Port. @default the `port` setting (8787) */
  readonly port?: number;
  /** Interface. @default the `host` setting */
  readonly hostname?: string;
  /** Close the server and database on SIGINT/SIGTERM. @default true */
  readonly handleSignals?: boolean;
}

/** A listening server. */
export interface RunningServer {
  /** The URL to open, e.g. `http://localhost:8787`. */
  readonly url: string;
  readonly port: number;
  readonly server: ServerType;
  /** Stops accepting connections, then closes the database. */
  close(): Promise<void>;
}

/** A listen failure anyone can act on (port taken, not allowed) as a config error, else as is. */
function listenError(error: Error, port: number, hostname: string): Error {
  const code = (error as NodeJS.ErrnoException).code;
  const where = `port ${port} on ${hostname}`;
  if (code === "EADDRINUSE") {
    return new KeyshipConfigError([
      `KEYSHIP_PORT: ${where} is already in use by another program; stop it, or set another port (e.g. KEYSHIP_PORT=${port === 65535 ? 8788 : port + 1}).`,
    ]);
  }
  if (code === "EACCES" || code === "EADDRNOTAVAIL") {
    return new KeyshipConfigError([
      `KEYSHIP_PORT/KEYSHIP_HOST: cannot listen on ${where} (${code}); expected a free port above 1023 on a local interface (e.g. KEYSHIP_PORT=8787, KEYSHIP_HOST=127.0.0.1).`,
    ]);
  }
  return error;
}

/**
 * Waits for migrations, then serves `app`. Prints nothing; log `url` yourself.
 * @example
 * const { url } = await listen(createApp());
 * console.log(`keyship on ${url}`);
 * @throws MigrationError when migrations fail (nothing is served)
 * @throws KeyshipConfigError when the port is taken or cannot be used (naming `KEYSHIP_PORT`)
 */
export async function listen(app: KeyshipApp, options: ListenOptions = {}): Promise<RunningServer> {
  const { settings } = app.keyship;
  await app.keyship.ready;
  const hostname = options.hostname ?? settings.host;
  // WebSocket routes (`authenticatedWebSocket()`) upgrade through this server; the client
  // offers the `keyship` subprotocol beside its token, and the server answers with it.
  const wss = new WebSocketServer({ noServer: true, handleProtocols: selectProtocol });
  const wantedPort = options.port ?? settings.port;
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve(
      {
        fetch: app.fetch,
        port: wantedPort,
        hostname,
        websocket: { server: wss },
      },
      () => resolve(s),
    );
    s.once("error", (error) => reject(listenError(error, wantedPort, hostname)));
  });
  const address = server.address();
  const port =
    typeof address === "object" && address !== null
      ? address.port
      : (options.port ?? settings.port);
  const shownHost =
    hostname === "0.0.0.0" || hostname === "127.0.0.1" || hostname === "::"
      ? "localhost"
      : hostname;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      for (const socket of wss.clients) socket.close(1001, "server shutting down");
      server.close(() => resolve());
      if ("closeIdleConnections" in server) server.closeIdleConnections();
    }).then(() => app.keyship.close());
    return closing;
  };

  if (options.handleSignals ?? true) {
    const onSignal = (signal: NodeJS.Signals) => {
      app.keyship.logger.info({ signal }, "shutting down");
      void close().then(() => process.exit(0));
    };
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
  }
  return { url: `http://${shownHost}:${port}`, port, server, close };
}
