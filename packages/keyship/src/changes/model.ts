/**
 * What the change feed carries: one change that affects authentication, and its wire form.
 * @module
 */

/** The kinds of subject a change is about. */
export const CHANGE_KINDS = ["user", "device", "session", "passkey", "apikey", "client"] as const;

/** A kind of subject: see {@link CHANGE_KINDS}. */
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/**
 * A change that affects authentication: a device, session (or token family), passkey, API key
 * or client revoked; a user disabled, or their role or scopes changed. Every process drops
 * what it cached about the subject when it hears of it.
 */
export interface Change {
  readonly kind: ChangeKind;
  /** The subject's id: a user, device, session or family, passkey, API key or client id. */
  readonly id: string;
  /** The subject's owner, when known. */
  readonly userId?: string;
}

/** A change as it travels between processes: the announcing process's origin id with it. */
export interface ChangeMessage extends Change {
  /** The announcing process (a random id per feed), so a process skips its own messages. */
  readonly origin: string;
}

const KINDS: ReadonlySet<string> = new Set(CHANGE_KINDS);
const ID = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * The wire form of a message: compact JSON (`{"o","k","i","u"?}`), well under PostgreSQL's
 * 8,000-byte NOTIFY limit.
 * @example encodeChange({ origin: "p1", kind: "device", id: "d…" })
 */
export function encodeChange(message: ChangeMessage): string {
  return JSON.stringify(
    message.userId === undefined
      ? { o: message.origin, k: message.kind, i: message.id }
      : { o: message.origin, k: message.kind, i: message.id, u: message.userId },
  );
}

const isId = (value: unknown): value is string => typeof value === "string" && ID.test(value);

/**
 * Reads a message in wire form; undefined when it is malformed (a foreign publisher on the
 * channel), so a bad message is dropped rather than trusted.
 */
export function decodeChange(text: string): ChangeMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const { o, k, i, u } = value as Record<string, unknown>;
  if (!isId(o) || typeof k !== "string" || !KINDS.has(k) || !isId(i)) return undefined;
  if (u !== undefined && !isId(u)) return undefined;
  const change = { origin: o, kind: k as ChangeKind, id: i };
  return u === undefined ? change : { ...change, userId: u };
}
