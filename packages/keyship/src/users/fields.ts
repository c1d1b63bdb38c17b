/**
 * App-defined user fields (`keyship({ user: { fields } })`): the app's zod object, compiled
 * once at startup into what sign-up, `GET`/`PATCH /auth/me` and the admin API validate and
 * answer. The values live in one JSON object, `users.fields` (docs/users.md "Extending the
 * user").
 * @module
 */
import { z } from "zod";
import { KeyshipConfigError } from "../errors.ts";
import type { UserView } from "./model.ts";

/**
 * The `user` option of `keyship()` and `createApp()`.
 * @example keyship({ user: { fields: z.object({ fullName: z.string().max(100) }) } })
 */
export interface UserOptions<S extends z.ZodObject = z.ZodObject> {
  /**
   * The app's own fields of a user: a zod object of JSON values (strings, numbers, booleans,
   * null, arrays and objects of those). Fields it requires are required at sign-up.
   * @default no fields
   */
  readonly fields?: S;
  /**
   * Fields only the admin API (and the console) may set, e.g. an organization id: refused at
   * sign-up and in `PATCH /auth/me`, still answered by `GET /auth/me`.
   * @default []
   */
  readonly adminOnly?: readonly (keyof z.output<S> & string)[];
}

/**
 * The app-defined field values of a user, typed from the schema. Every field may be missing:
 * an account created before the field existed, or by a path that does not ask for it.
 */
export type UserFieldValues<S extends z.ZodObject> = Partial<z.output<S>>;

/**
 * A user as the app's code reads it (`keyship.getUser(c)`): keyship's own members and the
 * app-defined fields, typed from the schema.
 * @example const user: KeyshipUser<typeof fields> | null = await auth.getUser(c);
 */
export type KeyshipUser<S extends z.ZodObject = z.ZodObject> = UserView & UserFieldValues<S>;

/** The compiled fields of one instance. */
export interface UserFields {
  /** The field names, in the schema's order. */
  readonly names: readonly string[];
  /** The fields only the admin API may set (`adminOnly`). */
  readonly adminOnly: readonly string[];
  /** The fields a person may set at sign-up (all but `adminOnly`), as the schema says. */
  readonly signUpShape: z.ZodRawShape;
  /** The fields of `PATCH /auth/me`: the same, each optional, without defaults. */
  readonly selfPatchShape: z.ZodRawShape;
  /** The admin API's `fields`: every field, each optional, without defaults; strict. */
  readonly adminPatchSchema: z.ZodObject;
  /** Every field, each optional: the answers' shape (OpenAPI). */
  readonly viewShape: z.ZodRawShape;
  /** The fields as JSON Schema (the console builds its form from it). */
  readonly jsonSchema: Record<string, unknown>;
  /** The field values of a validated body (the keys the body has). */
  pick(body: Readonly<Record<string, unknown>>): Record<string, unknown>;
  /**
   * Reads a stored `users.fields`: each field through its schema (a default fills a missing
   * one); values that no longer pass, and keys no longer declared, are left out.
   */
  read(json: string): Record<string, unknown>;
}

/**
 * Names a field may not have: the members keyship's own bodies and answers use beside the
 * fields (sign-up, `/auth/me`, the admin API).
 */
export const RESERVED_FIELD_NAMES: readonly string[] = [
  "id",
  "email",
  "displayName",
  "role",
  "scopes",
  "deviceId",
  "impersonatorId",
  "password",
  "devicePublicKey",
  "deviceLabel",
  "session",
  "flowId",
  "credential",
  "createdAt",
  "updatedAt",
  "emailVerifiedAt",
  "disabled",
  "disabledAt",
  "lastSignInAt",
  "fields",
  "user",
];

const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/** The field's schema without its `.default()` / `.prefault()`, so absence stays absence. */
function withoutDefault(schema: z.ZodType): z.ZodType {
  const def = schema._zod.def as { type: string; innerType?: z.ZodType };
  if ((def.type === "default" || def.type === "prefault") && def.innerType !== undefined) {
    return withoutDefault(def.innerType);
  }
  return schema;
}

function optionalShape(shape: z.ZodRawShape, names: readonly string[]): z.ZodRawShape {
  return Object.fromEntries(
    names.map((name) => [name, withoutDefault(shape[name] as z.ZodType).optional()]),
  );
}

function checkNames(schema: z.ZodObject, adminOnly: readonly string[]): string[] {
  const names = Object.keys(schema.shape);
  const problems = names.flatMap((name) => {
    if (!FIELD_NAME.test(name)) {
      return [`user.fields: "${name.slice(0, 64)}" must be 1–64 letters, digits or _`];
    }
    if (RESERVED_FIELD_NAMES.includes(name)) {
      return [`user.fields: "${name}" is one of keyship's own members; rename the field`];
    }
    return [];
  });
  for (const name of adminOnly) {
    if (!names.includes(name)) problems.push(`user.adminOnly: "${name}" is not a field`);
  }
  return problems;
}

function jsonSchemaOf(schema: z.ZodObject): Record<string, unknown> {
  try {
    // The output must be JSON too: it is what gets stored (a transform's output is not known).
    z.toJSONSchema(schema, { io: "output" });
    return z.toJSONSchema(schema, { io: "input" }) as Record<string, unknown>;
  } catch (error) {
    throw new KeyshipConfigError([
      `user.fields: every field must be a JSON value (${(error as Error).message})`,
    ]);
  }
}

function parseObject(json: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(json);
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

/**
 * Compiles the `user` option once at startup.
 * @param options the app's `user` option (`fields`, `adminOnly`)
 * @throws KeyshipConfigError when `fields` is not a zod object, a name is reserved or
 *   malformed, `adminOnly` names an unknown field, or a field is not a JSON value
 * @example const fields = compileUserFields({ fields: z.object({ fullName: z.string() }) });
 */
export function compileUserFields(options: UserOptions = {}): UserFields {
  const schema = options.fields ?? z.object({});
  if (!(schema instanceof z.ZodObject)) {
    throw new KeyshipConfigError(["user.fields must be a zod object (z.object({ … }))"]);
  }
  const adminOnly = options.adminOnly ?? [];
  const problems = checkNames(schema, adminOnly);
  if (problems.length > 0) throw new KeyshipConfigError(problems);
  const shape = schema.shape as z.ZodRawShape;
  const names = Object.keys(shape);
  const selfNames = names.filter((name) => !adminOnly.includes(name));
  const jsonSchema = jsonSchemaOf(schema);
  return Object.freeze({
    names,
    adminOnly: Object.freeze([...adminOnly]),
    signUpShape: Object.fromEntries(selfNames.map((name) => [name, shape[name] as z.ZodType])),
    selfPatchShape: optionalShape(shape, selfNames),
    adminPatchSchema: z.object(optionalShape(shape, names)).strict(),
    viewShape: Object.fromEntries(
      names.map((name) => [name, (shape[name] as z.ZodType).optional()]),
    ),
    jsonSchema,
    pick(body: Readonly<Record<string, unknown>>) {
      return Object.fromEntries(
        names.filter((name) => body[name] !== undefined).map((name) => [name, body[name]]),
      );
    },
    read(json: string) {
      const stored = parseObject(json);
      const out: Record<string, unknown> = {};
      for (const name of names) {
        const value = Object.hasOwn(stored, name) ? stored[name] : undefined;
        const parsed = (shape[name] as z.ZodType).safeParse(value);
        if (parsed.success && parsed.data !== undefined) out[name] = parsed.data;
      }
      return out;
    },
  });
}

/**
 * The stored fields after a change: the known values of `stored` with `patch` over them,
 * serialized for `users.fields`.
 * @param fields the instance's compiled fields
 * @param storedJson the current `users.fields`
 * @param patch validated field values
 */
export function mergeFields(
  fields: UserFields,
  storedJson: string,
  patch: Readonly<Record<string, unknown>>,
): string {
  return JSON.stringify({ ...fields.read(storedJson), ...patch });
}
