/**
 * The HTTP boundary: building JSON requests, sending them, and turning answers into data
 * or a {@link KeyshipError}. Every failure of `fetch` itself is translated here.
 * @module
 */

import { errorFromResponse, KeyshipError } from "./errors.ts";

/**
 * An HTTP method the keyship API uses.
 * @example
 * const method: HttpMethod = "PATCH";
 */
export type HttpMethod = "GET" | "POST" | "PATCH" | "DELETE";

/**
 * Builds a request for the keyship API: JSON body (when given), JSON accepted, never cached.
 *
 * @param url the absolute URL
 * @param method the HTTP method
 * @param body the JSON body; omitted for `undefined`
 * @example
 * const request = createJsonRequest(new URL("/auth/me", baseUrl), "GET");
 */
export function createJsonRequest(url: URL, method: HttpMethod, body?: unknown): Request {
  const headers = new Headers({ accept: "application/json, application/problem+json" });
  const init: RequestInit = { method, headers, cache: "no-store" };
  if (body !== undefined) {
    headers.set("content-type", "application/json");
    init.body = JSON.stringify(body);
  }
  return new Request(url, init);
}

/**
 * Sends a request with the global `fetch`. A request that gets no HTTP answer rejects with
 * `client.network_error`; an abort through the request's own signal rejects unchanged (an
 * `AbortError` `DOMException`), as callers of `fetch` expect.
 *
 * @param request the request to send
 * @throws {KeyshipError} `client.network_error`
 * @example
 * const response = await sendRequest(new Request("https://api.example.com/ping"));
 */
export async function sendRequest(request: Request): Promise<Response> {
  try {
    return await globalThis.fetch(request);
  } catch (error) {
    if (request.signal.aborted) throw error;
    throw new KeyshipError({ code: "client.network_error", cause: error });
  }
}

/**
 * Reads a keyship API answer: the JSON body of a 2xx (`undefined` for an empty body),
 * otherwise the error the response describes.
 *
 * @param response the answer
 * @throws {KeyshipError} the server's problem code, or `client.unexpected_response`
 * @example
 * const me = await readJsonResponse<Me>(await sendRequest(request));
 */
export async function readJsonResponse<T>(response: Response): Promise<T> {
  if (!response.ok) throw await errorFromResponse(response);
  const text = await response.text();
  if (text === "") return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new KeyshipError({
      code: "client.unexpected_response",
      status: response.status,
      cause: error,
    });
  }
}

/**
 * Resolves a keyship API path against the configured base URL, keeping any path prefix of
 * the base (`https://example.com/api` + `/auth/me` → `https://example.com/api/auth/me`).
 *
 * @param baseUrl the normalised base URL (no trailing slash)
 * @param path a path starting with `/`
 * @example
 * apiUrl("http://localhost:8787", "/auth/me"); // URL http://localhost:8787/auth/me
 */
export function apiUrl(baseUrl: string, path: string): URL {
  return new URL(`${baseUrl}${path}`);
}

/**
 * Calls a keyship API route with a JSON body and reads its JSON answer.
 * @example
 * const me = await call<Me>("GET", "/auth/me");
 */
export type ApiCall = <T>(method: HttpMethod, path: string, body?: unknown) => Promise<T>;

/**
 * An {@link ApiCall} against `baseUrl` that sends its requests with `send`.
 *
 * @param baseUrl the normalised base URL
 * @param send how requests are sent (with or without a device token)
 * @example
 * const call = apiCaller("http://localhost:8787", sendRequest);
 */
export function apiCaller(baseUrl: string, send: (request: Request) => Promise<Response>): ApiCall {
  return async <T>(method: HttpMethod, path: string, body?: unknown): Promise<T> =>
    readJsonResponse<T>(await send(createJsonRequest(apiUrl(baseUrl, path), method, body)));
}
