/**
 * `keyship doctor` on sign-in providers: discovery fetched from a real OpenID provider
 * (`oidc-provider` on loopback) or refused by a closed port, the callback URL's shape, and
 * providers that do not resolve, each a line of its own and counted in the summary.
 */
import { homedir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.ts";
import { startOidcProvider, type TestOidcProvider } from "../helpers/oidc-provider.ts";
import { freePort } from "../helpers/ports.ts";
import { tempDirIo } from "./env-io.ts";

let idp: TestOidcProvider;
let closed: number;
beforeAll(async () => {
  [idp, closed] = await Promise.all([
    startOidcProvider({ issuerPath: "/realms/acme" }),
    freePort(), // nothing listens on it
  ]);
});
afterAll(() => idp.close());

const base = { KEYSHIP_DATABASE_URL: "sqlite::memory:" };
const github = {
  KEYSHIP_OAUTH_GITHUB_CLIENT_ID: "Iv1.abc",
  KEYSHIP_OAUTH_GITHUB_CLIENT_SECRET: "s",
};

async function doctor(env: Record<string, string>) {
  const io = await tempDirIo({ ...base, ...env });
  const code = await runCli(["doctor"], io);
  return { code, out: io.lines.join("\n"), errors: io.errors.join("\n") };
}

describe("keyship doctor on OAuth providers", () => {
  it("fetches a Keycloak realm's discovery and prints the callback URL to register", async () => {
    const { code, out } = await doctor({
      KEYSHIP_OAUTH_KEYCLOAK_REALM_URL: idp.issuer,
      KEYSHIP_OAUTH_KEYCLOAK_CLIENT_ID: "app",
      KEYSHIP_OAUTH_KEYCLOAK_CLIENT_SECRET: "s",
      ...github,
    });
    expect(code).toBe(0);
    const discovery = `${idp.issuer}/.well-known/openid-configuration`.replaceAll(".", "\\.");
    expect(out).toMatch(
      new RegExp(`ok +keycloak \\(Keycloak\\): discovery at ${discovery} is reachable`),
    );
    expect(out).toMatch(
      /ok +keycloak: callback http:\/\/localhost:8787\/auth\/oauth\/keycloak\/callback/,
    );
    expect(out).toMatch(/ok +github \(GitHub\): endpoints configured, no discovery to fetch/);
  });

  it("fails a provider whose discovery cannot be reached, naming its variable", async () => {
    const { code, out, errors } = await doctor({
      KEYSHIP_OIDC_ACME_ISSUER: `http://127.0.0.1:${closed}/sso`,
      KEYSHIP_OIDC_ACME_CLIENT_ID: "app",
      KEYSHIP_OIDC_ACME_CLIENT_SECRET: "s",
      ...github,
    });
    expect(code).toBe(1);
    expect(errors).toMatch(
      /FAIL +acme \(acme\): cannot fetch discovery at http:\/\/127\.0\.0\.1:\d+\/sso\/\.well-known\/openid-configuration: .*ECONNREFUSED[\s\S]*fix: check KEYSHIP_OIDC_ACME_ISSUER/,
    );
    expect(out).toMatch(/ok +github \(GitHub\)/);
    expect(errors).toMatch(/^1 problem to fix/m);
  });

  it("fails a plain-http callback origin in production", async () => {
    const { code, errors } = await doctor({
      KEYSHIP_ENV: "production",
      // Not relative: the checkout (the process's directory) may be under the temp directory,
      // which production refuses for SQLite. doctor creates nothing, so the file never exists.
      KEYSHIP_DATABASE_URL: `sqlite:${join(homedir(), "keyship-doctor-test.db")}`,
      KEYSHIP_ORIGIN: "https://app.example.com",
      KEYSHIP_RP_ID: "app.example.com",
      KEYSHIP_SESSION_SECRET: "x".repeat(48),
      KEYSHIP_OAUTH_CALLBACK_ORIGIN: "http://api.example.com",
      ...github,
    });
    expect(code).toBe(1);
    expect(errors).toMatch(
      /FAIL +github: callback http:\/\/api\.example\.com\/auth\/oauth\/github\/callback is not https in production\n +fix: set KEYSHIP_OAUTH_CALLBACK_ORIGIN=https:\/\/api\.example\.com/,
    );
  });

  it("warns about a plain-http callback off localhost in development", async () => {
    const { code, out } = await doctor({
      KEYSHIP_OAUTH_CALLBACK_ORIGIN: "http://dev.example.com:8787",
      ...github,
    });
    expect(code).toBe(0);
    expect(out).toMatch(
      /warn +github: callback http:\/\/dev\.example\.com:8787\/auth\/oauth\/github\/callback is plain http off localhost/,
    );
  });

  it("fails a provider that does not resolve, as the server's startup would", async () => {
    const { code, errors } = await doctor({
      KEYSHIP_OAUTH_KEYCLOAK_CLIENT_ID: "app",
      KEYSHIP_OAUTH_KEYCLOAK_CLIENT_SECRET: "s",
    });
    expect(code).toBe(1);
    expect(errors).toMatch(
      /FAIL +OAuth provider 'keycloak' \(KEYSHIP_OAUTH_KEYCLOAK_\*\): the realm URL is missing/,
    );
  });
});
