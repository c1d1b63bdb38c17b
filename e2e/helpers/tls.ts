/**
 * A throwaway TLS certificate for `localhost`, made at test time, and what Chromium needs to
 * trust it: the base64 SHA-256 of its SubjectPublicKeyInfo for
 * `--ignore-certificate-errors-spki-list` (BROWSER-TESTING.md: DBSC runs only over HTTPS with a
 * certificate Chromium trusts; `--ignore-certificate-errors` alone does not do).
 * @module
 */

// @peculiar/x509 resolves its parts with tsyringe, which needs the Reflect metadata API.
import "reflect-metadata";
import { createHash, randomBytes } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";
import {
  BasicConstraintsExtension,
  cryptoProvider,
  ExtendedKeyUsage,
  ExtendedKeyUsageExtension,
  PemConverter,
  SubjectAlternativeNameExtension,
  X509CertificateGenerator,
} from "@peculiar/x509";

/** A self-signed certificate and its private key, both PEM. */
export interface TestCertificate {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
  /** base64 SHA-256 of the certificate's SubjectPublicKeyInfo (DER). */
  readonly spkiSha256: string;
}

const ALGORITHM = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const DAY_MS = 86_400_000;

/**
 * Makes a P-256 self-signed server certificate for `localhost` (SAN DNS `localhost`, IP
 * 127.0.0.1), valid from a minute ago for one day.
 * @example
 * const certificate = await createLocalhostCertificate();
 * https.createServer({ cert: certificate.certificatePem, key: certificate.privateKeyPem });
 */
export async function createLocalhostCertificate(): Promise<TestCertificate> {
  cryptoProvider.set(globalThis.crypto);
  const keys = await crypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"]);
  const now = Date.now();
  const certificate = await X509CertificateGenerator.createSelfSigned({
    // A positive serial (leading 01), random so that no two runs' certificates look alike.
    serialNumber: `01${randomBytes(8).toString("hex")}`,
    name: "CN=localhost",
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + DAY_MS),
    signingAlgorithm: ALGORITHM,
    keys,
    extensions: [
      new BasicConstraintsExtension(false),
      new ExtendedKeyUsageExtension([ExtendedKeyUsage.serverAuth]),
      new SubjectAlternativeNameExtension([
        { type: "dns", value: "localhost" },
        { type: "ip", value: "127.0.0.1" },
      ]),
    ],
  });
  const pkcs8 = await crypto.subtle.exportKey("pkcs8", keys.privateKey);
  return {
    certificatePem: certificate.toString("pem"),
    privateKeyPem: PemConverter.encode(pkcs8, "PRIVATE KEY"),
    spkiSha256: createHash("sha256")
      .update(Buffer.from(certificate.publicKey.rawData))
      .digest("base64"),
  };
}

/** The Chromium flag that trusts `certificate` (and only it) despite its unknown issuer. */
export function trustCertificateArg(certificate: TestCertificate): string {
  return `--ignore-certificate-errors-spki-list=${certificate.spkiSha256}`;
}

/** An answer read by {@link requestOverTls}. */
export interface TlsAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
}

/** What {@link requestOverTls} sends. */
export interface TlsRequest {
  /** @default "GET" */
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

/**
 * An HTTPS request from Node that trusts `certificate` (and nothing else): a client other than
 * the browser, e.g. one replaying the browser's cookies.
 * @example const answer = await requestOverTls(certificate, `${origin}/api/secret`, { headers: { cookie } });
 */
export function requestOverTls(
  certificate: TestCertificate,
  url: string,
  init: TlsRequest = {},
): Promise<TlsAnswer> {
  return new Promise((resolve, reject) => {
    const outgoing = httpsRequest(
      url,
      { method: init.method ?? "GET", headers: init.headers, ca: certificate.certificatePem },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on("data", (chunk: Buffer) => chunks.push(chunk));
        answer.on("error", reject);
        answer.on("end", () =>
          resolve({
            status: answer.statusCode ?? 0,
            headers: answer.headers,
            text: Buffer.concat(chunks).toString("utf8"),
          }),
        );
      },
    );
    outgoing.on("error", reject);
    outgoing.end(init.body);
  });
}
