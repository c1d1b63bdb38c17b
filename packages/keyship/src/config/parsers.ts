/**
 * Parsers shared by the settings groups: environment variables are strings, options may be
 * typed values; each parser accepts both.
 * @module
 */
import { z } from "zod";

export const boolFromString = z.union(
  [
    z.boolean(),
    z
      .enum(["true", "false", "1", "0", "yes", "no"])
      .transform((v) => v === "true" || v === "1" || v === "yes"),
  ],
  { error: "must be true or false (or 1/0, yes/no)" },
);

/** A whole number within [min, max]; every failure says so (not zod's "expected number, received NaN"). */
export const intFromString = (min: number, max: number) => {
  const error = `must be a whole number from ${min} to ${max}`;
  return z.coerce.number({ error }).int({ error }).min(min, { error }).max(max, { error });
};

export const listFromString = z.union([
  z.array(z.string()),
  z.string().transform((v) =>
    v
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s.length > 0),
  ),
]);

export const emailListFromString = z
  .union([
    z.array(z.string()),
    z.string().transform((v, ctx) => {
      const text = v.trim();
      if (!text.startsWith("[")) return text.split(",");
      try {
        const parsed: unknown = JSON.parse(text);
        if (Array.isArray(parsed) && parsed.every((e) => typeof e === "string")) return parsed;
      } catch {}
      ctx.addIssue({
        code: "custom",
        message: "must be a JSON list of strings or comma-separated",
      });
      return z.NEVER;
    }),
  ])
  .transform((list) =>
    list.map((e) => e.normalize("NFKC").trim().toLowerCase()).filter((e) => e.length > 0),
  )
  .pipe(z.array(z.email()));

/** `<hits>/<window>`, e.g. `10/15m`: at most 10 hits per 15 minutes (units s, m, h, d). */
export const rateLimitRule = z
  .string()
  .regex(/^[1-9][0-9]{0,6}\/[1-9][0-9]{0,4}[smhd]$/, "must look like 10/15m (units s, m, h, d)");

/** A duration: seconds, or `30s`, `15m`, `12h`, `30d`; parsed to seconds within [min, max]. */
export const durationFromString = (min: number, max: number) =>
  z
    .union(
      [
        z.number().int(),
        z
          .string()
          .regex(/^\d{1,9}[smhd]?$/, "must be seconds or a duration such as 15m, 12h, 30d")
          .transform((v) => {
            const unit = { s: 1, m: 60, h: 3600, d: 86_400 }[v.at(-1) as "s"] ?? 1;
            return Number.parseInt(v, 10) * unit;
          }),
      ],
      { error: `must be seconds or a duration such as 15m, 12h, 30d (${min} s to ${max} s)` },
    )
    .pipe(z.number().int().min(min).max(max));

/** Private keys that sign access tokens: a JSON list of private JWKs (each with `kid`), or one. */
export const privateJwkList = z
  .union(
    [
      z.array(z.record(z.string(), z.unknown())),
      z.record(z.string(), z.unknown()).transform((jwk) => [jwk]),
      z.string().transform((v, ctx) => {
        try {
          const parsed: unknown = JSON.parse(v);
          if (Array.isArray(parsed)) return parsed as Record<string, unknown>[];
          if (typeof parsed === "object" && parsed !== null)
            return [parsed as Record<string, unknown>];
        } catch {}
        ctx.addIssue({ code: "custom", message: "must be a private JWK or a JSON list of them" });
        return z.NEVER;
      }),
    ],
    { error: "must be a private JWK with a kid, or a JSON list of them" },
  )
  .pipe(
    z
      .array(
        z.looseObject({
          kid: z.string().min(1).max(128),
          kty: z.enum(["EC", "RSA", "OKP"]),
          d: z.string().min(1),
        }),
      )
      .min(1),
  );

/**
 * Describes one setting: its environment variable, default and a sentence for the docs.
 * `default` is what applies when neither the option nor the variable is given; `undefined`
 * means "unset" (development may fill it in, production may refuse it).
 */
export interface SettingSpec {
  readonly env: string;
  /** Other variables read when `env` is unset, in order (e.g. the SDK's own `OPENAI_API_KEY`). */
  readonly aliases?: readonly string[];
  readonly schema: z.ZodType;
  readonly default: unknown;
  readonly doc: string;
}

/** The URL, or undefined when it does not parse (then `z.url()` has reported it). */
function parsed(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/**
 * An exact `scheme://host[:port]` origin: no `*`, no path, no `null` (`localhost:5173` without
 * a scheme is refused, not read as the scheme `localhost:`).
 */
export const exactOrigin = z
  .url({ error: "must be an exact http(s) origin such as https://app.example.com" })
  .refine((value) => {
    const url = parsed(value);
    return url === undefined || url.protocol === "https:" || url.protocol === "http:";
  }, "must be an exact http(s) origin such as https://app.example.com (never `*`)")
  .refine((value) => {
    const url = parsed(value);
    return url === undefined || (url.pathname === "/" && url.search === "" && url.hash === "");
  }, "must be an origin only, without a path, query or fragment");
