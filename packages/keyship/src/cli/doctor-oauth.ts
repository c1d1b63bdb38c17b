/**
 * `keyship doctor`'s OAuth section: each configured sign-in provider resolves (the same
 * checks as startup), its OpenID discovery is reachable (Google, Microsoft, Keycloak, any
 * `KEYSHIP_OIDC_<NAME>_*`), and its callback URL has a shape providers accept (https in
 * production; plain http only on localhost in development).
 * @module
 */
import type { Settings } from "../config/schema.ts";
import { KeyshipConfigError } from "../errors.ts";
import { createProviderClient } from "../oauth/client.ts";
import { callbackUrlOf } from "../oauth/context.ts";
import type { ProviderSpec } from "../oauth/model.ts";
import { resolveProviders, variablePrefix } from "../oauth/providers.ts";
import { type Level, type Report, report } from "./doctor-report.ts";

/** Hosts a browser treats as this machine (where providers allow plain http). */
function isLoopbackHost(hostname: string): boolean {
  return (
    hostname === "localhost" ||
    hostname.endsWith(".localhost") ||
    hostname === "127.0.0.1" ||
    hostname === "[::1]"
  );
}

/** The messages of an error and its causes, innermost last, without repeats. */
function reasonOf(error: unknown): string {
  const messages: string[] = [];
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    const text =
      typeof code === "string" && !e.message.includes(code) ? `${e.message} (${code})` : e.message;
    if (text !== "" && !messages.includes(text)) messages.push(text);
  }
  return messages.slice(-2).join(": ") || String(error);
}

/** Whether the provider's configuration comes from discovery (not from given endpoints). */
function isDiscovered(spec: ProviderSpec): boolean {
  return (
    spec.kind === "oidc" &&
    (spec.endpoints.authorization === undefined || spec.endpoints.token === undefined)
  );
}

/** The callback URL's shape: https in production, plain http only on loopback. */
function checkCallback(r: Report, settings: Settings, spec: ProviderSpec): void {
  const url = callbackUrlOf(settings, spec.id);
  const { protocol, hostname, host } = new URL(url);
  const fix = `set KEYSHIP_OAUTH_CALLBACK_ORIGIN=https://${host} (the public origin of /auth) and register its callback`;
  if (protocol !== "https:" && settings.env === "production") {
    report(r, "fail", `${spec.id}: callback ${url} is not https in production`, fix);
  } else if (protocol !== "https:" && !isLoopbackHost(hostname)) {
    report(
      r,
      "warn",
      `${spec.id}: callback ${url} is plain http off localhost; providers refuse such redirect URIs`,
      fix,
    );
  } else if (settings.env === "production" && isLoopbackHost(hostname)) {
    report(r, "fail", `${spec.id}: callback ${url} points at localhost in production`, fix);
  } else {
    report(r, "ok", `${spec.id}: callback ${url} (register exactly this at the provider)`);
  }
}

/** One check's outcome, reported once every discovery has answered. */
interface Outcome {
  readonly level: Level;
  readonly message: string;
  readonly fix?: string;
}

/** The provider's discovery, fetched now (nothing to fetch for given endpoints). */
async function checkReachable(spec: ProviderSpec, generic: boolean): Promise<Outcome> {
  const name = `${spec.id} (${spec.label})`;
  if (!isDiscovered(spec)) {
    return { level: "ok", message: `${name}: endpoints configured, no discovery to fetch` };
  }
  const where = `${spec.issuer}/.well-known/openid-configuration`;
  try {
    await createProviderClient(spec).check();
    return { level: "ok", message: `${name}: discovery at ${where} is reachable` };
  } catch (error) {
    const variable = `${variablePrefix(spec.id, generic)}${generic ? "ISSUER" : "*"}`;
    return {
      level: "fail",
      message: `${name}: cannot fetch discovery at ${where}: ${reasonOf(error)}`,
      fix: `check ${variable} and that this machine reaches the provider`,
    };
  }
}

/**
 * Checks every configured provider (the discoveries in parallel, reported in provider order);
 * prints nothing when none is configured.
 * @param settings the loaded settings (`oauth`, `oidc`, `oauthCallbackOrigin`, `env`)
 */
export async function checkProviders(r: Report, settings: Settings): Promise<void> {
  const groups = { oauth: settings.oauth, oidc: settings.oidc };
  if (Object.keys(groups.oauth).length + Object.keys(groups.oidc).length === 0) return;
  r.io.out("oauth");
  let specs: readonly ProviderSpec[];
  try {
    specs = resolveProviders(groups);
  } catch (error) {
    if (!(error instanceof KeyshipConfigError)) throw error;
    for (const problem of error.problems) report(r, "fail", problem);
    return;
  }
  const reachable = await Promise.all(
    specs.map((spec) => checkReachable(spec, Object.hasOwn(groups.oidc, spec.id))),
  );
  for (const [i, spec] of specs.entries()) {
    const { level, message, fix } = reachable[i] as Outcome;
    report(r, level, message, fix);
    checkCallback(r, settings, spec);
  }
}
