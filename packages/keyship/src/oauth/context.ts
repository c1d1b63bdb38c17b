/**
 * What the OAuth sign-in services share, built once per instance: the keyship context, a
 * client per configured provider, the store of flows and codes, and the key that signs the
 * flow cookie.
 * @module
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { KeyshipContext } from "../context.ts";
import { ProblemError } from "../errors.ts";
import { createProviderClient, type ProviderClient } from "./client.ts";
import type { OAuthEphemeralStore, ProviderSpec } from "./model.ts";
import { databaseEphemeralStore } from "./store.ts";
import { redisEphemeralStore } from "./store-redis.ts";

/** The OAuth services' dependencies. */
export interface OAuthContext extends KeyshipContext {
  /** The configured providers, by id, in display order. */
  readonly providers: ReadonlyMap<string, ProviderClient>;
  /** Started flows and one-time codes. */
  readonly ephemeral: OAuthEphemeralStore;
  /** Signs and checks the flow cookie's value. */
  readonly cookieSigner: CookieSigner;
}

/** Signs a flow id for its cookie, and reads it back. */
export interface CookieSigner {
  sign(flowId: string): string;
  /** The flow id of a cookie value whose signature is ours, else undefined. */
  verify(value: string): string | undefined;
}

/**
 * The cookie key: derived from the session signing secret (or key), which every instance of
 * the app shares, so any instance can check a cookie another one set.
 */
function cookieKey(settings: KeyshipContext["settings"]): Buffer {
  const material = settings.sessionSecret ?? JSON.stringify(settings.sessionPrivateKeys ?? []);
  return createHmac("sha256", material).update("keyship oauth flow cookie v1").digest();
}

/** An HMAC-SHA256 cookie signer over `key`. */
function cookieSigner(key: Buffer): CookieSigner {
  const mac = (flowId: string) => createHmac("sha256", key).update(flowId).digest("base64url");
  return {
    sign: (flowId) => `${flowId}.${mac(flowId)}`,
    verify(value) {
      const dot = value.lastIndexOf(".");
      if (dot <= 0) return undefined;
      const flowId = value.slice(0, dot);
      const given = Buffer.from(value.slice(dot + 1));
      const expected = Buffer.from(mac(flowId));
      return given.length === expected.length && timingSafeEqual(given, expected)
        ? flowId
        : undefined;
    },
  };
}

/**
 * Builds the OAuth context.
 * @param ctx the instance's context
 * @param specs the resolved providers (`resolveProviders()`)
 * @param ephemeral where flows and codes live @default Redis when the instance has one (shared
 * by every instance), else the database
 */
export function createOAuthContext(
  ctx: KeyshipContext,
  specs: readonly ProviderSpec[],
  ephemeral: OAuthEphemeralStore = ctx.redis === undefined
    ? databaseEphemeralStore(ctx.db)
    : redisEphemeralStore(ctx.redis),
): OAuthContext {
  const providers = new Map(specs.map((spec) => [spec.id, createProviderClient(spec)]));
  return { ...ctx, providers, ephemeral, cookieSigner: cookieSigner(cookieKey(ctx.settings)) };
}

/**
 * The provider `id`.
 * @throws ProblemError `oauth.provider_unknown` when none is configured under that id
 */
export function providerOf(ctx: Pick<OAuthContext, "providers">, id: string): ProviderClient {
  const provider = ctx.providers.get(id);
  if (provider === undefined) throw new ProblemError("oauth.provider_unknown");
  return provider;
}

/** The callback URL to register at the provider: `<origin>/auth/oauth/<id>/callback`. */
export function callbackUrlOf(settings: KeyshipContext["settings"], id: string): string {
  return `${settings.oauthCallbackOrigin}/auth/oauth/${id}/callback`;
}

/** Hex SHA-256 of a one-time code: how it is stored. */
export function hashCode(code: string): string {
  return createHash("sha256").update(code).digest("hex");
}
