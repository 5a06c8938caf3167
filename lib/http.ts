/**
 * The one request helper: every call to plex.tv goes through {@linkcode send}.
 * It owns headers, timeouts, retries, the response size cap, the redirect
 * policy and error parsing ({@linkcode checkOk}). No other file calls `fetch`.
 *
 * @module
 */
import { type Device, deviceHeaders } from "./device.ts";
import { errorFromResponse } from "./error_body.ts";
import { PlexError } from "./errors.ts";
import { type Logger, silentLogger } from "./logger.ts";
import { redactUrl } from "./redact.ts";
import type { Token } from "./token.ts";

/**
 * When and how often a failed request is tried again.
 *
 * @example
 * ```ts
 * import type { RetryPolicy } from "./http.ts";
 * const patient: RetryPolicy = { retries: 5, baseDelayMs: 500, maxDelayMs: 10_000, maxRetryAfterMs: 60_000 };
 * ```
 */
export interface RetryPolicy {
  /** Retries after the first attempt (0 disables retries). */
  retries: number;
  /** The first backoff delay; it doubles each retry, with full jitter. */
  baseDelayMs: number;
  /** The longest backoff delay. */
  maxDelayMs: number;
  /** A `Retry-After` longer than this is not waited for: the error is thrown with `retryAfter` set. */
  maxRetryAfterMs: number;
}

/**
 * HTTP settings of a configuration.
 *
 * @example
 * ```ts
 * import type { HttpSettings } from "./http.ts";
 * const settings: HttpSettings = { timeoutMs: 5_000, maxResponseBytes: 1 << 20 };
 * ```
 */
export interface HttpSettings {
  /** The `fetch` to use (the seed's `ContextWithHTTPClient`). Default: `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Per-attempt timeout. Default 15 000 ms. */
  timeoutMs?: number;
  /** Response bodies larger than this fail with `response_too_large`. Default 8 MiB. */
  maxResponseBytes?: number;
  /** Retry policy. Default: 3 retries, 250 ms base, 8 s max, Retry-After up to 60 s. */
  retry?: Partial<RetryPolicy>;
  /** Where requests are logged (without secrets). */
  logger?: Logger;
}

/**
 * What a request needs from a configuration; `Config` satisfies it.
 *
 * @example
 * ```ts
 * import type { RequestContext } from "./http.ts";
 * const context: RequestContext = { url: "https://plex.tv", v2Url: "https://clients.plex.tv", clientId: "id", device: {}, http: {} };
 * ```
 */
export interface RequestContext {
  /** Base URL of the legacy host. */
  readonly url: string;
  /** Base URL of the v2 host. */
  readonly v2Url: string;
  /** The client identifier. */
  readonly clientId: string;
  /** The device headers. */
  readonly device: Device;
  /** HTTP settings. */
  readonly http: HttpSettings;
}

/**
 * Options every plextv call accepts.
 *
 * @example
 * ```ts
 * import type { CallOptions } from "./http.ts";
 * const options: CallOptions = { signal: AbortSignal.timeout(30_000) };
 * ```
 */
export interface CallOptions {
  /** Cancels the call. */
  signal?: AbortSignal;
  /** A `fetch` for this call only. */
  fetch?: typeof fetch;
  /** A per-attempt timeout for this call only. */
  timeoutMs?: number;
}

/**
 * A request to plex.tv, relative to one of the configured hosts.
 *
 * @example
 * ```ts
 * import type { PlexRequest } from "./http.ts";
 * const request: PlexRequest = { method: "GET", host: "v2Url", path: "/api/v2/auth/nonce" };
 * ```
 */
export interface PlexRequest {
  /** The HTTP method. */
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** Which configured base URL. */
  host: "url" | "v2Url";
  /** The path, starting with `/`. */
  path: string;
  /** Query parameters; `undefined` values are left out. */
  query?: Record<string, string | number | boolean | undefined>;
  /** A form body (`application/x-www-form-urlencoded`); `undefined` values are left out. */
  form?: Record<string, string | undefined>;
  /** A JSON body. */
  json?: unknown;
  /** The token for `X-Plex-Token`. */
  token?: Token | string;
  /** What to ask for in `Accept`. Default `json`. */
  accept?: "json" | "xml";
  /** Whether the request may be repeated safely. Default: true for GET, PUT and DELETE. */
  idempotent?: boolean;
}

/**
 * A response with its body read (within the size cap). Build one by hand to
 * test a `process*` function with a recorded payload.
 *
 * @example
 * ```ts
 * import type { PlexResponse } from "./http.ts";
 * const recorded: PlexResponse = { status: 200, headers: new Headers(), body: '{"nonce":"n"}', url: "https://clients.plex.tv/api/v2/auth/nonce" };
 * ```
 */
export interface PlexResponse {
  /** The HTTP status. */
  status: number;
  /** The response headers. */
  headers: Headers;
  /** The body text. */
  body: string;
  /** The final URL (after same-origin redirects). */
  url: string;
}

const DEFAULT_RETRY: RetryPolicy = { retries: 3, baseDelayMs: 250, maxDelayMs: 8_000, maxRetryAfterMs: 60_000 };
const DEFAULT_TIMEOUT_MS = 15_000;
const DEFAULT_MAX_BYTES = 8 * 1024 * 1024;
const MAX_REDIRECTS = 5;

/**
 * Sends a request to plex.tv and reads the response body, whatever its status.
 * Retries idempotent requests on network errors, 5xx and 429 with backoff
 * (honouring `Retry-After`); a non-idempotent request is retried only when the
 * connection was refused. Pair it with {@linkcode checkOk}.
 *
 * @param context The configuration.
 * @param request The request.
 * @param options Signal, fetch and timeout for this call.
 * @returns The response with its body.
 * @throws {PlexError} `client_id_missing`, `network_error`, `timeout`, `aborted`,
 *   `response_too_large`, `redirect_refused`, `insecure_url`.
 *
 * @example
 * ```ts ignore
 * import { checkOk, send } from "./http.ts";
 * import { defaultConfig, newClientId } from "./config.ts";
 * const res = checkOk(await send(defaultConfig().withClientId(newClientId()), { method: "GET", host: "v2Url", path: "/api/v2/auth/nonce" }));
 * ```
 */
export async function send(
  context: RequestContext,
  request: PlexRequest,
  options: CallOptions = {},
): Promise<PlexResponse> {
  if (!context.clientId) {
    throw new PlexError("client_id_missing", "No client identifier is configured", {
      hint: "Create one with newClientId() once, keep it, and pass it to withClientId()",
    });
  }
  const policy = { ...DEFAULT_RETRY, ...context.http.retry };
  const idempotent = request.idempotent ?? request.method !== "POST";
  const logger = context.http.logger ?? silentLogger;
  for (let attempt = 0;; attempt++) {
    let response: PlexResponse | undefined;
    let failure: PlexError | undefined;
    try {
      response = await attemptOnce(context, request, options, logger);
    } catch (err) {
      if (!(err instanceof PlexError) || err.code !== "network_error") throw err;
      failure = err;
    }
    const retryable = failure
      ? idempotent || isConnectionRefused(failure)
      : idempotent && (response!.status === 429 || response!.status >= 500 && response!.status !== 501);
    if (!retryable || attempt >= policy.retries) {
      if (failure) throw failure;
      return response!;
    }
    const retryAfterMs = response ? parseRetryAfter(response.headers.get("retry-after")) : undefined;
    if (retryAfterMs !== undefined && retryAfterMs > policy.maxRetryAfterMs) return response!;
    const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt) * Math.random();
    const delay = retryAfterMs ?? backoff;
    logger.debug(`retrying in ${Math.round(delay)} ms (${failure ? failure.message : `status ${response!.status}`})`);
    await sleep(delay, options.signal);
  }
}

/**
 * Throws the typed {@linkcode PlexError} for a non-2xx response.
 *
 * @param response The response from {@linkcode send}.
 * @returns The same response, when its status is 2xx.
 * @throws {PlexError} mapped from the body's Plex code, then the status.
 *
 * @example
 * ```ts
 * import { checkOk } from "./http.ts";
 * try {
 *   checkOk({ status: 401, headers: new Headers(), url: "https://plex.tv/api/v2/user",
 *     body: '{"errors":[{"code":1001,"message":"User could not be authenticated","status":401}]}' });
 * } catch (err) {
 *   console.assert((err as { code: string }).code === "unauthorized");
 * }
 * ```
 */
export function checkOk(response: PlexResponse): PlexResponse {
  if (response.status >= 200 && response.status < 300) return response;
  const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"));
  throw errorFromResponse(
    response.status,
    response.body,
    retryAfterMs === undefined ? undefined : Math.ceil(retryAfterMs / 1000),
  );
}

/**
 * Parses a successful response's JSON body.
 *
 * @param response A 2xx response.
 * @returns The parsed JSON.
 * @throws {PlexError} `invalid_response` when the body is not JSON.
 *
 * @example
 * ```ts
 * import { readJson } from "./http.ts";
 * const doc = readJson({ status: 200, headers: new Headers(), body: '{"nonce":"n"}', url: "" });
 * console.assert((doc as { nonce: string }).nonce === "n");
 * ```
 */
export function readJson(response: PlexResponse): unknown {
  try {
    return JSON.parse(response.body);
  } catch (cause) {
    throw new PlexError("invalid_response", `plex.tv answered ${response.status} with a body that is not JSON`, {
      status: response.status,
      cause,
    });
  }
}

/**
 * Parses a `Retry-After` value (seconds or an HTTP date) into milliseconds.
 *
 * @param value The header value.
 * @param now The current time, for HTTP dates.
 * @returns Milliseconds to wait, or `undefined` when absent or unreadable.
 *
 * @example
 * ```ts
 * import { parseRetryAfter } from "./http.ts";
 * console.assert(parseRetryAfter("3") === 3000);
 * ```
 */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Whether `url` may be used as a plex.tv base URL: `https:`, or `http:` on a loopback host.
 *
 * @param url The URL.
 * @returns `true` when allowed.
 *
 * @example
 * ```ts
 * import { isAllowedBaseUrl } from "./http.ts";
 * console.assert(isAllowedBaseUrl("http://127.0.0.1:8080") && !isAllowedBaseUrl("http://plex.tv"));
 * ```
 */
export function isAllowedBaseUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === "https:") return true;
  if (parsed.protocol !== "http:") return false;
  const host = parsed.hostname;
  return host === "localhost" || host === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function buildUrl(context: RequestContext, request: PlexRequest): URL {
  const base = request.host === "url" ? context.url : context.v2Url;
  if (!isAllowedBaseUrl(base)) {
    throw new PlexError("insecure_url", `The base URL ${redactUrl(base)} must use https (http only for loopback)`);
  }
  const url = new URL(base.replace(/\/+$/, "") + request.path);
  for (const [name, value] of Object.entries(request.query ?? {})) {
    if (value !== undefined) url.searchParams.set(name, String(value));
  }
  return url;
}

function buildInit(context: RequestContext, request: PlexRequest): { headers: Headers; body?: string } {
  const headers = new Headers(deviceHeaders(context.device));
  headers.set("X-Plex-Client-Identifier", context.clientId);
  headers.set("Accept", request.accept === "xml" ? "application/xml" : "application/json");
  if (request.token !== undefined) {
    headers.set("X-Plex-Token", typeof request.token === "string" ? request.token : request.token.value);
  }
  if (request.form) {
    const form = new URLSearchParams();
    for (const [name, value] of Object.entries(request.form)) if (value !== undefined) form.set(name, value);
    headers.set("Content-Type", "application/x-www-form-urlencoded");
    return { headers, body: form.toString() };
  }
  if (request.json !== undefined) {
    headers.set("Content-Type", "application/json");
    return { headers, body: JSON.stringify(request.json) };
  }
  return { headers };
}

async function attemptOnce(
  context: RequestContext,
  request: PlexRequest,
  options: CallOptions,
  logger: Logger,
): Promise<PlexResponse> {
  const doFetch = options.fetch ?? context.http.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? context.http.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = context.http.maxResponseBytes ?? DEFAULT_MAX_BYTES;
  const allowedOrigins = new Set([new URL(context.url).origin, new URL(context.v2Url).origin]);
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), timeoutMs);
  const signal = options.signal ? anySignal([options.signal, timeout.signal]) : timeout.signal;
  let url = buildUrl(context, request);
  let method: string = request.method;
  let { headers, body } = buildInit(context, request);
  const started = Date.now();
  try {
    for (let redirects = 0;; redirects++) {
      throwIfAborted(options.signal, timeout.signal, timeoutMs);
      logger.debug(`→ ${method} ${redactUrl(url.href)}`);
      let response: Response;
      try {
        response = await doFetch(url, { method, headers, body, signal, redirect: "manual" });
      } catch (cause) {
        throwIfAborted(options.signal, timeout.signal, timeoutMs, cause);
        throw new PlexError("network_error", `The request to ${url.origin} failed: ${describe(cause)}`, { cause });
      }
      const location = response.headers.get("location");
      if (response.type === "opaqueredirect" || (response.status >= 300 && response.status < 400 && location)) {
        await response.body?.cancel().catch(() => {});
        const next = location ? new URL(location, url) : undefined;
        if (!next || !allowedOrigins.has(next.origin) || redirects >= MAX_REDIRECTS) {
          throw new PlexError(
            "redirect_refused",
            next
              ? `plex.tv redirected to ${next.origin}, outside the configured hosts; the request was not followed`
              : "plex.tv redirected to a hidden location; the request was not followed",
            { status: response.status },
          );
        }
        if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === "POST")) {
          method = "GET";
          body = undefined;
          headers.delete("Content-Type");
        }
        url = next;
        continue;
      }
      const text = await readCapped(response, maxBytes, options.signal, timeout.signal, timeoutMs);
      logger.debug(`← ${response.status} ${redactUrl(url.href)} (${Date.now() - started} ms)`);
      return { status: response.status, headers: response.headers, body: text, url: url.href };
    }
  } finally {
    clearTimeout(timer);
  }
}

async function readCapped(
  response: Response,
  maxBytes: number,
  callerSignal: AbortSignal | undefined,
  timeoutSignal: AbortSignal,
  timeoutMs: number,
): Promise<string> {
  const declared = Number(response.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw tooLarge(maxBytes, response.status);
  }
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => {});
        throw tooLarge(maxBytes, response.status);
      }
      chunks.push(value);
    }
  } catch (cause) {
    if (cause instanceof PlexError) throw cause;
    throwIfAborted(callerSignal, timeoutSignal, timeoutMs, cause);
    throw new PlexError("network_error", `The response body was cut off: ${describe(cause)}`, { cause });
  } finally {
    reader.releaseLock();
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

function tooLarge(maxBytes: number, status: number): PlexError {
  return new PlexError("response_too_large", `The response body is larger than ${maxBytes} bytes`, { status });
}

function throwIfAborted(
  callerSignal: AbortSignal | undefined,
  timeoutSignal: AbortSignal,
  timeoutMs: number,
  cause?: unknown,
): void {
  if (callerSignal?.aborted) throw new PlexError("aborted", "The request was aborted", { cause: callerSignal.reason });
  if (timeoutSignal.aborted) {
    throw new PlexError("timeout", `The request timed out after ${timeoutMs} ms`, { cause });
  }
}

function anySignal(signals: AbortSignal[]): AbortSignal {
  const controller = new AbortController();
  for (const signal of signals) {
    if (signal.aborted) {
      controller.abort(signal.reason);
      break;
    }
    signal.addEventListener("abort", () => controller.abort(signal.reason), { once: true, signal: controller.signal });
  }
  return controller.signal;
}

function describe(cause: unknown): string {
  const parts: string[] = [];
  let current: unknown = cause;
  for (let depth = 0; current && depth < 4; depth++) {
    const e = current as { message?: unknown; code?: unknown; cause?: unknown };
    if (typeof e.code === "string") parts.push(e.code);
    if (typeof e.message === "string" && e.message) parts.push(e.message);
    current = e.cause;
  }
  return redactUrl(parts.join(": ") || String(cause));
}

function isConnectionRefused(err: PlexError): boolean {
  return /ECONNREFUSED|ConnectionRefused|connection refused/i.test(err.message);
}

/**
 * Waits `ms` milliseconds, or rejects with `aborted` when `signal` fires.
 *
 * @param ms The delay.
 * @param signal Cancels the wait.
 * @returns A promise that resolves after the delay.
 *
 * @example
 * ```ts
 * import { sleep } from "./http.ts";
 * await sleep(1);
 * ```
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new PlexError("aborted", "The operation was aborted", { cause: signal.reason }));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new PlexError("aborted", "The operation was aborted", { cause: signal?.reason }));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Options of {@linkcode probe}.
 *
 * @example
 * ```ts
 * import type { ProbeOptions } from "./http.ts";
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
 * import type { ProbeResult } from "./http.ts";
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
 * ```ts ignore
 * import { probe } from "./http.ts";
 * const { ok } = await probe("https://10-0-0-2.abc.plex.direct:32400/identity", { token: resource.accessToken });
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
  const timeoutMs = options.timeoutMs ?? 10_000;
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), timeoutMs);
  const signal = options.signal ? anySignal([options.signal, timeout.signal]) : timeout.signal;
  const headers = new Headers(options.headers);
  headers.set("Accept", "application/json");
  if (options.token !== undefined) {
    headers.set("X-Plex-Token", typeof options.token === "string" ? options.token : options.token.value);
  }
  try {
    throwIfAborted(options.signal, timeout.signal, timeoutMs);
    let response: Response;
    try {
      response = await (options.fetch ?? globalThis.fetch)(target, {
        method: "GET",
        headers,
        signal,
        redirect: "manual",
      });
    } catch (cause) {
      throwIfAborted(options.signal, timeout.signal, timeoutMs, cause);
      throw new PlexError("network_error", `The request to ${target.origin} failed: ${describe(cause)}`, {
        cause,
      });
    }
    await response.body?.cancel().catch(() => {});
    const ok = response.status >= 200 && response.status < 300;
    return { status: response.status, ok, url: redactUrl(target.href) };
  } finally {
    clearTimeout(timer);
  }
}
