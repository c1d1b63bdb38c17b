/**
 * Small loopback servers that speak GitHub's and Discord's OAuth 2 endpoints: an authorization
 * endpoint that approves at once (redirecting to `redirect_uri` with a code and the state), a
 * token endpoint that checks the client, the code, the redirect URI and the PKCE verifier (RFC
 * 7636 S256) exactly as the real ones refuse them, and the user APIs keyship reads. Real HTTP on
 * 127.0.0.1, not a stand-in for keyship's code.
 * @module
 */
import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** Which API the server speaks. */
export type OAuth2Flavor = "github" | "discord";

/** The person who "signs in" at the server. */
export interface OAuth2User {
  readonly id: number | string;
  readonly name?: string;
  /** GitHub: `/user/emails`; Discord: `email` + `verified`. */
  readonly emails?: readonly { email: string; primary: boolean; verified: boolean }[];
}

/** A running server. */
export interface OAuth2Server {
  readonly origin: string;
  /** The endpoints to give keyship's preset (`endpoints` option). */
  readonly endpoints: Readonly<Record<string, string>>;
  /** The next sign-in approves as this user; `"access_denied"` refuses. */
  signInAs(user: OAuth2User | "access_denied"): void;
  /** Token requests seen (for assertions on PKCE and client authentication). */
  readonly tokenRequests: URLSearchParams[];
  close(): Promise<void>;
}

interface Grant {
  readonly user: OAuth2User;
  readonly challenge: string;
  readonly redirectUri: string;
  readonly clientId: string;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

async function bodyOf(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

const PATHS = {
  github: {
    authorize: "/login/oauth/authorize",
    token: "/login/oauth/access_token",
    user: "/user",
    emails: "/user/emails",
  },
  discord: {
    authorize: "/oauth2/authorize",
    token: "/api/oauth2/token",
    user: "/api/users/@me",
  },
} as const;

/** The user API's answer for `user`. */
function userBody(flavor: OAuth2Flavor, user: OAuth2User): unknown {
  if (flavor === "github") return { id: user.id, login: `user${user.id}`, name: user.name ?? null };
  const email = user.emails?.[0];
  return {
    id: String(user.id),
    username: `user${user.id}`,
    global_name: user.name ?? null,
    email: email?.email ?? null,
    verified: email?.verified ?? false,
  };
}

/**
 * Starts a server speaking `flavor` for one client.
 * @param client the registered client id and secret
 */
export async function startOAuth2Server(
  flavor: OAuth2Flavor,
  client: { clientId: string; clientSecret: string },
): Promise<OAuth2Server> {
  const paths = PATHS[flavor];
  const grants = new Map<string, Grant>();
  const tokens = new Map<string, OAuth2User>();
  const tokenRequests: URLSearchParams[] = [];
  let next: OAuth2User | "access_denied" = { id: 1 };

  async function token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = await bodyOf(req);
    tokenRequests.push(form);
    const code = form.get("code") ?? "";
    const grant = grants.get(code);
    grants.delete(code);
    const verifier = form.get("code_verifier") ?? "";
    const challenge = createHash("sha256").update(verifier).digest("base64url");
    const valid =
      form.get("client_id") === client.clientId &&
      form.get("client_secret") === client.clientSecret &&
      grant !== undefined &&
      grant.redirectUri === form.get("redirect_uri") &&
      grant.challenge === challenge;
    if (!valid || grant === undefined) return send(res, 400, { error: "invalid_grant" });
    const accessToken = randomBytes(16).toString("hex");
    tokens.set(accessToken, grant.user);
    send(res, 200, { access_token: accessToken, token_type: "bearer", scope: "user" });
  }

  function authorize(url: URL, res: ServerResponse): void {
    const redirect = new URL(url.searchParams.get("redirect_uri") ?? "");
    redirect.searchParams.set("state", url.searchParams.get("state") ?? "");
    if (next === "access_denied") {
      redirect.searchParams.set("error", "access_denied");
    } else {
      const code = randomBytes(16).toString("hex");
      grants.set(code, {
        user: next,
        challenge: url.searchParams.get("code_challenge") ?? "",
        redirectUri: url.searchParams.get("redirect_uri") ?? "",
        clientId: url.searchParams.get("client_id") ?? "",
      });
      redirect.searchParams.set("code", code);
    }
    res.writeHead(302, { location: redirect.href });
    res.end();
  }

  function api(req: IncomingMessage, url: URL, res: ServerResponse): void {
    const user = tokens.get((req.headers.authorization ?? "").replace(/^Bearer /i, ""));
    if (user === undefined) send(res, 401, { message: "Bad credentials" });
    else if (url.pathname === paths.user) send(res, 200, userBody(flavor, user));
    else send(res, 200, user.emails ?? []);
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (url.pathname === paths.authorize) return authorize(url, res);
    if (url.pathname === paths.token && req.method === "POST") {
      token(req, res).catch(() => send(res, 500, {}));
      return;
    }
    if (Object.values(paths).includes(url.pathname as never)) return api(req, url, res);
    send(res, 404, {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const endpoints = Object.fromEntries(
    Object.entries(paths).map(([k, p]) => [k === "authorize" ? "authorization" : k, origin + p]),
  );
  return {
    origin,
    endpoints,
    tokenRequests,
    signInAs(user) {
      next = user;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
