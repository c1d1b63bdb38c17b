/**
 * keyship as it runs in production behind a TLS-terminating proxy: the app on plain HTTP at
 * 127.0.0.1, the proxy in front with a certificate made at test time, keyship's only origin
 * `https://localhost:<proxy port>` (`KEYSHIP_ORIGIN`) and `KEYSHIP_TRUST_PROXY` on, and a clock
 * the test can move forward.
 * @module
 */

import type { KeyshipOptions } from "keyship";
import { type E2EServer, type E2EServerOptions, freePort, startE2EServer } from "./server.ts";
import { createLocalhostCertificate, type TestCertificate } from "./tls.ts";
import { startTlsProxy, type TlsProxy } from "./tls-proxy.ts";

/** A clock the test moves forward: the server's idea of now. */
export interface TestClock {
  readonly now: () => Date;
  /** Moves the clock `seconds` ahead. */
  advance(seconds: number): void;
}

/** The real time plus whatever the test advanced. */
export function createTestClock(): TestClock {
  let offsetMs = 0;
  return {
    now: () => new Date(Date.now() + offsetMs),
    advance(seconds) {
      offsetMs += seconds * 1000;
    },
  };
}

/** keyship behind the TLS proxy. */
export interface HttpsStack {
  /** `https://localhost:<proxy port>`: the only origin keyship knows. */
  readonly origin: string;
  readonly server: E2EServer;
  readonly proxy: TlsProxy;
  readonly certificate: TestCertificate;
  readonly clock: TestClock;
  /** Stops the proxy, then the server. */
  close(): Promise<void>;
}

/** Options of {@link startHttpsStack}. */
export interface HttpsStackOptions {
  /** More `createApp()` settings, e.g. `{ dbscCookieTtl: 300 }`. @default {} */
  readonly settings?: KeyshipOptions;
  /** Adds the suite's own routes to the app. @default none */
  readonly routes?: E2EServerOptions["routes"];
  /** The proxy's certificate, e.g. another stack's, which a running browser already trusts. @default a new one */
  readonly certificate?: TestCertificate;
}

/**
 * Starts keyship (passwords on, the test's clock, `trustProxy`) and the TLS proxy in front of
 * it. The proxy's port is chosen first: keyship must know its public origin.
 */
export async function startHttpsStack(options: HttpsStackOptions = {}): Promise<HttpsStack> {
  const [certificate, proxyPort] = await Promise.all([
    options.certificate ?? createLocalhostCertificate(),
    freePort(),
  ]);
  const origin = `https://localhost:${proxyPort}`;
  const clock = createTestClock();
  const server = await startE2EServer({
    settings: {
      origins: [origin],
      trustProxy: true,
      passwords: true,
      now: clock.now,
      ...options.settings,
    },
    routes: options.routes,
  });
  let proxy: TlsProxy;
  try {
    proxy = await startTlsProxy({ certificate, targetPort: server.port, port: proxyPort });
  } catch (error) {
    await server.close();
    throw error;
  }
  return {
    origin,
    server,
    proxy,
    certificate,
    clock,
    async close() {
      await proxy.close();
      await server.close();
    },
  };
}
