/**
 * `@keyship/client`'s provider types agree with the server's zod schemas, the one source of the
 * answers' shapes: checked by tsc (which runs over the tests), both ways where the shapes are
 * the same, one way where the client narrows (a sign-in through the SDK always binds a device).
 */
import type { z } from "@hono/zod-openapi";
import { expectTypeOf, it } from "vitest";
import type { LinkedAccount, OAuthProvider, OAuthSignIn } from "../../../client/src/types.ts";
import type {
  LinkedAccountSchema,
  OAuthSignedIn,
  ProviderSchema,
} from "../../src/oauth/schemas.ts";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

it("types GET /auth/oauth/providers, GET /auth/accounts and the exchange like the server", () => {
  expectTypeOf<Mutable<OAuthProvider>>().toEqualTypeOf<z.infer<typeof ProviderSchema>>();
  expectTypeOf<Mutable<LinkedAccount>>().toEqualTypeOf<z.infer<typeof LinkedAccountSchema>>();
  type DeviceSignIn = z.infer<typeof OAuthSignedIn> & { deviceId: string };
  expectTypeOf<DeviceSignIn>().toExtend<OAuthSignIn>();
  expectTypeOf<keyof OAuthSignIn>().toExtend<keyof z.infer<typeof OAuthSignedIn>>();
});
