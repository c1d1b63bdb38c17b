/**
 * Compile-time checks (run by `npm run typecheck`, which includes the tests): the user type of
 * `getUser(c)` is inferred from the `user.fields` schema given to `createApp()` / `keyship()`.
 * The functions below are never called; only their types are checked.
 */
import { describe, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { createApp } from "../../src/app.ts";
import { keyship } from "../../src/keyship.ts";

const fields = z.object({
  fullName: z.string().max(100),
  plan: z.enum(["free", "pro"]).default("free"),
  organizationId: z.string().optional(),
});

const buildApp = () => createApp({ user: { fields, adminOnly: ["organizationId"] } });
const buildInstance = () => keyship({ user: { fields } });

type AppUser = NonNullable<Awaited<ReturnType<ReturnType<typeof buildApp>["keyship"]["getUser"]>>>;
type InstanceUser = NonNullable<
  Awaited<ReturnType<Awaited<ReturnType<typeof buildInstance>>["getUser"]>>
>;

describe("the inferred user type", () => {
  it("types each app-defined field from the schema, every one possibly missing", () => {
    expectTypeOf<AppUser["fullName"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<AppUser["plan"]>().toEqualTypeOf<"free" | "pro" | undefined>();
    expectTypeOf<AppUser["organizationId"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<InstanceUser["fullName"]>().toEqualTypeOf<string | undefined>();
  });

  it("keeps keyship's own members", () => {
    expectTypeOf<AppUser["id"]>().toEqualTypeOf<string>();
    expectTypeOf<AppUser["email"]>().toEqualTypeOf<string | null>();
    expectTypeOf<AppUser["role"]>().toEqualTypeOf<"user" | "admin">();
  });

  it("knows no other field", () => {
    expectTypeOf<AppUser>().not.toHaveProperty("nickname");
  });

  it("accepts only field names in adminOnly", () => {
    // @ts-expect-error "nickname" is not a field of the schema
    const build = () => createApp({ user: { fields, adminOnly: ["nickname"] } });
    expectTypeOf(build).toBeFunction();
  });
});
