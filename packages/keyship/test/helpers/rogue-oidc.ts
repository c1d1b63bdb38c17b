/**
 * A loopback OpenID provider that misbehaves on purpose: it serves discovery, a JWK Set, an
 * authorization endpoint that approves at once and a token endpoint whose ID token can carry a
 * wrong `nonce`, a wrong `iss`, a past `exp`, another audience or a foreign signature, and a
 * UserInfo endpoint that can refuse the access token, fail or name another subject. For the
 * negative tests a well-behaved provider (oidc-provider) cannot produce.
 * @module
 */
import { randomBytes } from "node:crypto";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";

/** How the next ID token is wrong (nothing: it is right). */
export interface IdTokenTamper {
  readonly nonce?: string;
  readonly iss?: string;
  readonly aud?: string;
  /** Seconds from now; negative for an expired token. */
  readonly expiresIn?: number;
  /** Sign with a key the JWK Set does not publish. */
  readonly foreignKey?: boolean;
  /** Claims about the person (right ones, for the account rules). */
  readonly sub?: string;
  /** The email claim; `null` leaves it out of the ID token (keyship then asks UserInfo). */
  readonly email?: string | null;
  readonly emailVerified?: boolean;
  /** How UserInfo answers this sign-in. @default the ID token's subject and email, 200 */
  readonly userinfo?: UserInfoTamper;
  /**
   * `auth_time`, in seconds from now (negative: an older sign-in); `null` leaves it out.
   * @default now when the authorization request had `max_age`, else left out
   */
  readonly authTime?: number | null;
}

/** A UserInfo answer: a status (with a Bearer challenge on 401/403) or other claims. */
export interface UserInfoTamper {
  /** An error status; 401 and 403 carry `WWW-Authenticate: Bearer error="invalid_token"`. */
  readonly status?: number;
  /** Claims of a 200 answer. */
  readonly claims?: Readonly<Record<string, unknown>>;
}

/** A running rogue provider. */
export interface RogueOidc {
  readonly issuer: string;
  /** The next token answer's ID token is wrong this way. */
  tamper(next: IdTokenTamper): void;
  /** The `max_age` of the last authorization request (null: none). */
  lastMaxAge(): string | null;
  close(): Promise<void>;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

/**
 * Starts the rogue provider for one client.
 * @param clientId the client id it issues ID tokens to (the `aud`)
 */
export async function startRogueOidc(clientId: string): Promise<RogueOidc> {
  const { privateKey, publicKey } = await generateKeyPair("ES256");
  const foreign = await generateKeyPair("ES256");
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: "rogue-1", alg: "ES256", use: "sig" };
  const codes = new Map<string, { nonce: string; maxAge: string | null }>();
  let lastMaxAge: string | null = null;
  let tamper: IdTokenTamper = {};
  let userinfo: UserInfoTamper = {};
  let issuer = "";

  async function idToken(nonce: string, maxAge: string | null): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const t = tamper;
    const authTime = t.authTime === undefined ? (maxAge === null ? null : 0) : t.authTime;
    tamper = {};
    userinfo = t.userinfo ?? { claims: { sub: t.sub ?? "rogue-subject" } };
    return new SignJWT({
      nonce: t.nonce ?? nonce,
      ...(t.email === null ? {} : { email: t.email ?? "rogue@example.com" }),
      email_verified: t.emailVerified ?? true,
      ...(authTime === null ? {} : { auth_time: now + authTime }),
    })
      .setProtectedHeader({ alg: "ES256", kid: "rogue-1" })
      .setIssuer(t.iss ?? issuer)
      .setAudience(t.aud ?? clientId)
      .setSubject(t.sub ?? "rogue-subject")
      .setIssuedAt(now - 5)
      .setExpirationTime(now + (t.expiresIn ?? 300))
      .sign(t.foreignKey === true ? foreign.privateKey : privateKey);
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", issuer);
    if (url.pathname === "/.well-known/openid-configuration") {
      return json(res, 200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        userinfo_endpoint: `${issuer}/userinfo`,
        response_types_supported: ["code"],
        subject_types_supported: ["public"],
        id_token_signing_alg_values_supported: ["ES256"],
      });
    }
    if (url.pathname === "/jwks") return json(res, 200, { keys: [jwk] });
    if (url.pathname === "/userinfo") {
      const { status = 200, claims = {} } = userinfo;
      if (status === 401 || status === 403) {
        res.setHeader("www-authenticate", 'Bearer error="invalid_token"');
      }
      return json(res, status, status === 200 ? claims : { error: "invalid_token" });
    }
    if (url.pathname === "/authorize") {
      const code = randomBytes(16).toString("hex");
      lastMaxAge = url.searchParams.get("max_age");
      codes.set(code, { nonce: url.searchParams.get("nonce") ?? "", maxAge: lastMaxAge });
      const back = new URL(url.searchParams.get("redirect_uri") ?? "");
      back.searchParams.set("code", code);
      back.searchParams.set("state", url.searchParams.get("state") ?? "");
      res.writeHead(302, { location: back.href });
      return res.end();
    }
    if (url.pathname === "/token" && req.method === "POST") {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const code = new URLSearchParams(Buffer.concat(chunks).toString()).get("code") ?? "";
        const issued = codes.get(code);
        codes.delete(code);
        if (issued === undefined) return json(res, 400, { error: "invalid_grant" });
        idToken(issued.nonce, issued.maxAge).then(
          (id_token) =>
            json(res, 200, { access_token: "at", token_type: "Bearer", expires_in: 60, id_token }),
          () => json(res, 500, {}),
        );
      });
      return;
    }
    json(res, 404, {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    tamper(next) {
      tamper = next;
    },
    lastMaxAge: () => lastMaxAge,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
