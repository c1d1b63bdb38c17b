/** A TCP proxy a test can cut and restore, standing between keyship and a real server. */
import { connect, createServer, type Server, type Socket } from "node:net";

/** A running proxy: `url` points through it; `cut()` drops every connection and refuses new ones. */
export interface CuttableProxy {
  readonly port: number;
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts a proxy on a random loopback port to `target` (`host:port`).
 * @example const proxy = await startProxy("127.0.0.1", 5432);
 */
export async function startProxy(host: string, port: number): Promise<CuttableProxy> {
  const sockets = new Set<Socket>();
  let server: Server;
  const open = (listenPort: number) =>
    new Promise<number>((resolve) => {
      server = createServer((client) => {
        const upstream = connect(port, host);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on("close", () => sockets.delete(s));
          s.on("error", () => s.destroy());
        }
        client.pipe(upstream).pipe(client);
        client.on("close", () => upstream.destroy());
        upstream.on("close", () => client.destroy());
      });
      server.listen(listenPort, "127.0.0.1", () => {
        const address = server.address();
        resolve(typeof address === "object" && address !== null ? address.port : 0);
      });
    });
  const proxyPort = await open(0);
  const shut = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return {
    port: proxyPort,
    cut: shut,
    restore: async () => {
      await open(proxyPort);
    },
    close: shut,
  };
}
