/**
 * Realtime connections with the device's credentials: `openWebSocket()` (the token in the
 * subprotocol list, since browsers cannot set headers on a WebSocket) and `openEventStream()`
 * (server-sent events read with `fetch`, so the token goes in the `Authorization` header,
 * which `EventSource` cannot do).
 * @module
 */

import { type EventSourceMessage, EventSourceParserStream } from "eventsource-parser/stream";
import { errorFromResponse, KeyshipError } from "./errors.ts";

/** The subprotocol keyship's server answers with. */
export const REALTIME_PROTOCOL = "keyship";

/** One server-sent event. */
export interface ServerSentEvent {
  /** The `event:` field; `message` when the server sent none (as `EventSource` does). */
  readonly event: string;
  readonly data: string;
  readonly id: string | undefined;
}

/** An open event stream: iterate it with `for await`, end it with `close()`. */
export interface EventStream extends AsyncIterable<ServerSentEvent> {
  /** Stops reading and closes the connection. */
  close(): void;
}

/** The realtime methods of a `KeyshipClient`. */
export interface RealtimeMethods {
  /**
   * Opens a WebSocket to a keyship `authenticatedWebSocket()` route with a fresh
   * `keyship:ws` token (offered as the `keyship-token.<token>` subprotocol beside `keyship`).
   * Relative URLs resolve against `baseUrl`; `http(s)` becomes `ws(s)`.
   * @throws {KeyshipError} `client.not_signed_in`, `client.untrusted_origin`
   */
  openWebSocket(url: string | URL): Promise<WebSocket>;
  /**
   * Opens a server-sent event stream of an `authenticatedStream()` route with `fetch()`
   * (device token, step-up and retry rules included). The server ends it with a `revoked`
   * event when the credential is revoked.
   * @throws {KeyshipError} the server's problem when it refuses (e.g. `auth.unauthenticated`), `client.untrusted_origin`
   */
  openEventStream(
    url: string | URL,
    init?: { readonly signal?: AbortSignal },
  ): Promise<EventStream>;
}

/** Where the client talks to: its base URL and trusted origins. */
export interface RealtimeTarget {
  readonly baseUrl: string;
  readonly apiOrigins: readonly string[];
}

/** The client methods realtime connections are made with. */
export interface RealtimeCredentials {
  wsToken(): Promise<string>;
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
}

function socketUrl(config: RealtimeTarget, url: string | URL): URL {
  const target = new URL(url, `${config.baseUrl}/`);
  if (target.protocol === "http:") target.protocol = "ws:";
  if (target.protocol === "https:") target.protocol = "wss:";
  const httpOrigin = target.origin.replace(/^ws/, "http");
  // Tokens go only to origins we trust, never to a third party.
  if (!config.apiOrigins.includes(httpOrigin)) {
    throw new KeyshipError({ code: "client.untrusted_origin" });
  }
  return target;
}

function asEvent(message: EventSourceMessage): ServerSentEvent {
  return { event: message.event ?? "message", data: message.data, id: message.id };
}

/** Builds the realtime methods over a client's token minting and `fetch`. */
export function realtimeMethods(
  config: RealtimeTarget,
  credentials: RealtimeCredentials,
): RealtimeMethods {
  return {
    async openWebSocket(url) {
      const target = socketUrl(config, url);
      const token = await credentials.wsToken();
      return new WebSocket(target, [REALTIME_PROTOCOL, `keyship-token.${token}`]);
    },
    async openEventStream(url, init = {}) {
      const controller = new AbortController();
      init.signal?.addEventListener("abort", () => controller.abort(init.signal?.reason));
      const response = await credentials.fetch(url, {
        headers: { accept: "text/event-stream" },
        signal: controller.signal,
      });
      if (!response.ok || response.body === null) throw await errorFromResponse(response);
      const events = response.body
        .pipeThrough(new TextDecoderStream())
        .pipeThrough(new EventSourceParserStream());
      const reader = events.getReader();
      return {
        close: () => controller.abort(),
        async *[Symbol.asyncIterator]() {
          try {
            for (;;) {
              const { value, done } = await reader.read();
              if (done) return;
              yield asEvent(value);
            }
          } catch (error) {
            if (controller.signal.aborted) return;
            throw error;
          } finally {
            reader.releaseLock();
          }
        },
      };
    },
  };
}
