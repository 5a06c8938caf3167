/**
 * A handler called the way a network `fetch` is: any input a `fetch` takes,
 * the request's signal honoured while waiting and while the body is read,
 * redirects followed (to the handler's own hosts only) unless `manual` or
 * `error`, and the final `url` and `redirected` on the response.
 *
 * @module
 */
import { abortableBody } from "./body_streams.ts";

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 20;

/** What {@linkcode fetchThrough} needs from the emulator. */
export interface FetchTarget {
  /** The base URL relative inputs resolve against. */
  base: string;
  /** Answers one request, redirects not followed. */
  handle(request: Request): Promise<Response>;
  /** Whether a redirect target's host is the handler's own. */
  allowsHost(host: string): boolean;
}

function race<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const abort = () => reject(signal.reason);
    signal.addEventListener("abort", abort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", abort));
  });
}

function finish(response: Response, url: string, redirected: boolean, signal: AbortSignal): Response {
  const guarded = response.body === null ? response : new Response(abortableBody(response.body, signal), {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  Object.defineProperty(guarded, "url", { value: url });
  Object.defineProperty(guarded, "redirected", { value: redirected });
  return guarded;
}

/**
 * Sends a request to a handler as `fetch` would send it to a server.
 *
 * @param target The handler, its base URL and its hosts.
 * @param input A URL, a string (a path is resolved against `base`) or a `Request`.
 * @param init As for `fetch`.
 * @returns The response.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fetchThrough } from "./network_fetch.ts";
 * const target = {
 *   base: "http://127.0.0.1:1",
 *   allowsHost: () => true,
 *   handle: (r: Request) => Promise.resolve(r.url.endsWith("/a")
 *     ? new Response(null, { status: 302, headers: { Location: "/b" } })
 *     : new Response("b")),
 * };
 * const response = await fetchThrough(target, "/a");
 * assert.ok(response.redirected && response.url === "http://127.0.0.1:1/b");
 * assert.equal((await fetchThrough(target, "/a", { redirect: "manual" })).status, 302);
 * ```
 */
export async function fetchThrough(
  target: FetchTarget,
  input: Request | URL | string,
  init?: RequestInit,
): Promise<Response> {
  const first = new Request(
    typeof input === "string" && input.startsWith("/") ? target.base + input : input,
    init,
  );
  const { signal, redirect: mode } = first;
  let payload = first.body === null ? undefined : new Uint8Array(await first.arrayBuffer());
  let method = first.method;
  let url = first.url;
  for (let hop = 0;; hop++) {
    if (signal.aborted) throw signal.reason;
    const request = new Request(url, {
      method,
      headers: first.headers,
      body: payload,
      signal,
      redirect: "manual",
    });
    const response = await race(target.handle(request), signal);
    const location = response.headers.get("location");
    if (!REDIRECTS.has(response.status) || location === null || mode === "manual") {
      return finish(response, url, hop > 0, signal);
    }
    await response.body?.cancel();
    if (mode === "error") throw new TypeError(`The emulator redirected ${url} and redirect is "error"`);
    if (hop + 1 >= MAX_REDIRECTS) {
      throw new TypeError(`The emulator redirected more than ${MAX_REDIRECTS} times`);
    }
    const next = new URL(location, url);
    if (!/^https?:$/.test(next.protocol) || !target.allowsHost(next.host)) {
      throw new TypeError(`The emulator redirected to ${next.origin}, which its fetch cannot reach`);
    }
    if (response.status === 303 ? method !== "HEAD" : response.status <= 302 && method === "POST") {
      method = "GET";
      payload = undefined;
    }
    url = next.href;
  }
}
