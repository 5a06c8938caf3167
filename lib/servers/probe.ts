/**
 * Probing a Plex Media Server (not plex.tv) with one `GET`, to pick a working
 * connection. Part of the request helper: the only other file that calls `fetch`.
 *
 * @module
 */
import { startDeadline, timeoutMs } from "../http/deadline.ts";
import { PlexError } from "../errors.ts";
import { networkError } from "../http/fetch_failure.ts";
import { redactUrl } from "../redact/url.ts";
import { Token } from "../token.ts";

/**
 * Options of {@linkcode probe}.
 *
 * @example
 * ```ts
 * import type { ProbeOptions } from "./probe.ts";
 * const options: ProbeOptions = { token: "server-access-token", timeoutMs: 3_000 };
 * ```
 */
export interface ProbeOptions {
  /** The token for `X-Plex-Token`: the resource's access token, never the account token. */
  token?: Token | string;
  /** The `fetch` to use. Default: `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** The timeout. Default 10 000 ms. */
  timeoutMs?: number;
  /** Cancels the probe. */
  signal?: AbortSignal;
  /** More headers, e.g. the client's `X-Plex-*` headers. */
  headers?: Record<string, string>;
}

/**
 * What a Plex Media Server answered to a {@linkcode probe}.
 *
 * @example
 * ```ts
 * import type { ProbeResult } from "./probe.ts";
 * const answered: ProbeResult = { status: 200, ok: true, url: "https://10-0-0-2.abc.plex.direct:32400/identity" };
 * ```
 */
export interface ProbeResult {
  /** The HTTP status. */
  status: number;
  /** Whether the status is 2xx. */
  ok: boolean;
  /** The probed URL. */
  url: string;
}

/**
 * Sends one `GET` to a Plex Media Server (not plex.tv) to see whether it
 * answers: no retries, redirects not followed, the body discarded. Used to
 * pick a server connection; the token must be the server's access token.
 *
 * @param url The full URL, e.g. `https://host:32400/identity`.
 * @param options Token, fetch, timeout, signal and headers.
 * @returns The status, whatever it is.
 * @throws {PlexError} `invalid_argument` (not an http(s) URL), `network_error`, `timeout`, `aborted`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { probe } from "./probe.ts";
 * const server = (request: Request) => // stands in for a Plex Media Server
 *   Promise.resolve(new Response(null, { status: request.headers.get("X-Plex-Token") === "server-token" ? 200 : 401 }));
 * const url = "https://10-0-0-2.abc.plex.direct:32400/identity";
 * const fetch = (input: RequestInfo | URL, init?: RequestInit) => server(new Request(input, init));
 * assert.ok((await probe(url, { token: "server-token", fetch })).ok);
 * assert.deepEqual(await probe(url, { token: "other", fetch }), { status: 401, ok: false, url });
 * ```
 */
export async function probe(url: string, options: ProbeOptions = {}): Promise<ProbeResult> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new PlexError("invalid_argument", `Not a URL: ${redactUrl(url)}`);
  }
  if (target.protocol !== "https:" && target.protocol !== "http:") {
    throw new PlexError("invalid_argument", `A server URL must use http or https: ${redactUrl(url)}`);
  }
  const timeout = timeoutMs(options.timeoutMs, "The timeout") ?? 10_000;
  const headers = new Headers(options.headers);
  headers.set("Accept", "application/json");
  if (options.token !== undefined) {
    // Token.from rejects whitespace and control characters without quoting the value, as Headers would.
    headers.set("X-Plex-Token", Token.from(options.token).value);
  }
  const deadline = startDeadline(timeout, options.signal);
  try {
    deadline.check();
    let response: Response;
    try {
      response = await (options.fetch ?? globalThis.fetch)(target, {
        method: "GET",
        headers,
        signal: deadline.signal,
        redirect: "manual",
      });
    } catch (cause) {
      deadline.check(cause);
      throw networkError(target.origin, cause);
    }
    await response.body?.cancel().catch(() => {});
    const ok = response.status >= 200 && response.status < 300;
    return { status: response.status, ok, url: redactUrl(target.href) };
  } finally {
    deadline.dispose();
  }
}
