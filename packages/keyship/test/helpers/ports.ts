/**
 * Loopback ports for tests that start real servers (private Redis and PostgreSQL, processes,
 * providers) or need a port nothing listens on.
 * @module
 */
import { createServer } from "node:net";

/**
 * Picks a free TCP port on 127.0.0.1: binds port 0, reads the port the kernel chose, and
 * closes, so nothing listens on it when the promise resolves.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      probe.close(() => (port > 0 ? resolve(port) : reject(new Error("no port assigned"))));
    });
  });
}
