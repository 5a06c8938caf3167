/**
 * The one request helper: every call to plex.tv goes through {@linkcode send}.
 * It owns headers, timeouts, retries, the response size cap, the redirect
 * policy and error parsing ({@linkcode checkOk}). No other file calls `fetch`.
 *
 * @module
 */
import { type Device, deviceHeaders } from "./device.ts";
import { errorFromResponse, parseErrorBody } from "./error_body.ts";
import { isPlexError, PlexError } from "./errors.ts";
import { type Logger, silentLogger } from "./logger.ts";
import { redactError, redactUrl } from "./redact.ts";
import { parseRetryAfter } from "./retry_after.ts";
import { RetryBudget } from "./retry_budget.ts";
import { Token } from "./token.ts";

export { parseRetryAfter } from "./retry_after.ts";

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
  /**
   * Retries after the first attempt (0 disables retries). `Infinity` retries until the call's
   * signal fires, never faster than the configuration's {@linkcode RetryBudget} refills.
   */
  retries: number;
  /** The first backoff delay; it doubles each retry, with full jitter. */
  baseDelayMs: number;
  /** The longest backoff delay. */
  maxDelayMs: number;
  /** A `Retry-After` longer than this is not waited for: the error is thrown with `retryAfter` set. */
  maxRetryAfterMs: number;
  /**
   * The least wait after a 429 or Plex code 1003 without `Retry-After` (the jittered backoff is added).
   * Default 1 000 ms.
   */
  rateLimitDelayMs?: number;
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
  /** Retry policy. Default: 3 retries, 250 ms base, 8 s max, Retry-After up to 60 s, 1 s after a 429 without it. */
  retry?: Partial<RetryPolicy>;
  /**
   * The retry budget every request of this configuration draws from (see {@linkcode RetryBudget}).
   * `Config` creates one (20 retries, 1 more per second) that its `with*` copies share.
   */
  retryBudget?: RetryBudget;
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

const DEFAULT_RETRY: Required<RetryPolicy> = {
  retries: 3,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
  rateLimitDelayMs: 1_000,
};
const DEFAULT_TIMEOUT_MS = 15_000;
const DEFAULT_MAX_BYTES = 8 * 1024 * 1024;
const MAX_REDIRECTS = 5;
/** The longest delay a timer can wait (about 24.8 days); longer ones would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** Budgets of contexts that do not carry one (plain `RequestContext` objects rather than a `Config`). */
const fallbackBudgets = new WeakMap<object, RetryBudget>();
/** The `network_error`s whose connection was refused: nothing reached the server, so any request may be retried. */
const refusedConnections = new WeakSet<PlexError>();

/**
 * Sends a request to plex.tv and reads the response body, whatever its status.
 * Pair it with {@linkcode checkOk}.
 *
 * - Each attempt has its own timeout (`timeoutMs`, default 15 s) composed with
 *   the caller's `signal` (`timeout`); an aborted call stops at once, also while
 *   waiting to retry (`aborted`). Bound the whole call with the signal.
 * - Idempotent requests (GET, PUT, DELETE) are retried on network errors, timed-out
 *   attempts, 5xx (except 501), 429 and Plex code 1003, with exponential backoff and full
 *   jitter (`baseDelayMs · 2^n`, capped at `maxDelayMs`); `Retry-After` (seconds
 *   or HTTP date) is honoured up to `maxRetryAfterMs`, beyond which the response
 *   is answered at once (`checkOk` puts the value in `retryAfter`); a 429 or 1003
 *   without it waits `rateLimitDelayMs` plus the backoff. A non-idempotent request
 *   (sign-in, key upload) is retried only when the connection was refused.
 *   A timed-out non-idempotent request is never retried: it may have reached plex.tv.
 * - Every retry draws from the configuration's {@linkcode RetryBudget}: when it
 *   is spent, the failure is answered without retrying.
 * - Bodies are read up to `maxResponseBytes` (default 8 MiB); a body is always
 *   read to the end or cancelled, so no connection is left hanging.
 * - Redirects are followed by hand, only within the configured plex.tv origins,
 *   so `X-Plex-Token` never goes anywhere else (`redirect_refused`).
 * - Errors and logs never contain the token, and URLs in them are redacted.
 *
 * @param context The configuration.
 * @param request The request.
 * @param options Signal, fetch and timeout for this call.
 * @returns The response with its body.
 * @throws {PlexError} `client_id_missing`, `network_error`, `timeout`, `aborted`,
 *   `response_too_large`, `redirect_refused`, `insecure_url`, `invalid_argument`.
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
  const policy = retryPolicy(context.http.retry);
  const idempotent = request.idempotent ?? request.method !== "POST";
  const logger = context.http.logger ?? silentLogger;
  const budget = context.http.retryBudget ?? fallbackBudget(context);
  const target = resolveTarget(context, request);
  const limits = attemptLimits(context, options);
  for (let attempt = 0;; attempt++) {
    let response: PlexResponse | undefined;
    let failure: PlexError | undefined;
    try {
      response = await attemptOnce(context, request, options, logger, target, limits);
    } catch (err) {
      if (!isPlexError(err, "network_error", "timeout")) throw err;
      failure = err;
    }
    const rateLimited = response !== undefined && isRateLimited(response);
    const retryable = failure
      ? idempotent || refusedConnections.has(failure)
      : idempotent && (rateLimited || (response!.status >= 500 && response!.status !== 501));
    const answer = (): PlexResponse => {
      if (failure) throw failure;
      return response!;
    };
    if (!retryable || attempt >= policy.retries) return answer();
    const retryAfterMs = response ? parseRetryAfter(response.headers.get("retry-after")) : undefined;
    if (retryAfterMs !== undefined && retryAfterMs > policy.maxRetryAfterMs) {
      logger.debug(`Not retrying: plex.tv asked to wait ${Math.ceil(retryAfterMs / 1000)} s`);
      return answer();
    }
    const reason = failure
      ? failure.message
      : `status ${response!.status}${rateLimited ? " (rate limited)" : ""}`;
    if (!budget.tryAcquire()) {
      logger.warn(`Not retrying ${request.method} ${request.path}: the retry budget is spent (${reason})`);
      return answer();
    }
    const delay = retryDelay(policy, attempt, retryAfterMs, rateLimited);
    logger.debug(`Retrying ${request.method} ${request.path} in ${Math.round(delay)} ms (${reason})`);
    await sleep(delay, options.signal);
  }
}

/** Whether plex.tv is rate limiting: 429, or Plex code 1003 in an error body. */
function isRateLimited(response: PlexResponse): boolean {
  if (response.status === 429) return true;
  return response.status >= 400 && parseErrorBody(response.body).some((detail) => detail.code === 1003);
}

/** The wait before retry `attempt + 1`: `Retry-After`, else full-jitter backoff (plus the rate-limit floor). */
function retryDelay(
  policy: Required<RetryPolicy>,
  attempt: number,
  retryAfterMs: number | undefined,
  rateLimited: boolean,
): number {
  if (retryAfterMs !== undefined) return retryAfterMs;
  const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(attempt, 30)) *
    Math.random();
  return rateLimited ? policy.rateLimitDelayMs + backoff : backoff;
}

function retryPolicy(settings: Partial<RetryPolicy> | undefined): Required<RetryPolicy> {
  const policy = { ...DEFAULT_RETRY };
  for (const name of Object.keys(DEFAULT_RETRY) as (keyof RetryPolicy)[]) {
    const value = settings?.[name];
    if (value === undefined) continue;
    const finite = name !== "retries" && name !== "maxRetryAfterMs";
    if (typeof value !== "number" || !(value >= 0) || (finite && !Number.isFinite(value))) {
      throw new PlexError("invalid_argument", `The retry policy's ${name} must be a number, 0 or more`);
    }
    policy[name] = name === "retries" ? Math.floor(value) : Math.min(value, MAX_TIMER_MS);
  }
  return policy;
}

function fallbackBudget(context: RequestContext): RetryBudget {
  const key = typeof context.http === "object" && context.http !== null ? context.http : context;
  let budget = fallbackBudgets.get(key);
  if (!budget) fallbackBudgets.set(key, budget = new RetryBudget());
  return budget;
}

interface AttemptLimits {
  timeoutMs: number;
  maxBytes: number;
}

function attemptLimits(context: RequestContext, options: CallOptions): AttemptLimits {
  const timeoutMs = options.timeoutMs ?? context.http.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (typeof timeoutMs !== "number" || !(timeoutMs > 0)) {
    throw new PlexError("invalid_argument", "The timeout must be a number of milliseconds above 0");
  }
  const maxBytes = context.http.maxResponseBytes ?? DEFAULT_MAX_BYTES;
  if (typeof maxBytes !== "number" || !(maxBytes >= 0)) {
    throw new PlexError("invalid_argument", "The response size cap must be a number of bytes, 0 or more");
  }
  return { timeoutMs: Math.min(timeoutMs, MAX_TIMER_MS), maxBytes };
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
  } catch {
    // No `cause`: a JSON SyntaxError quotes the body, and a body may carry a token.
    const message = `plex.tv answered ${response.status} with a body that is not JSON`;
    throw new PlexError("invalid_response", message, { status: response.status });
  }
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

/** The first URL of a request, and the origins redirects may go to (the configured hosts). */
interface Target {
  url: URL;
  origins: Set<string>;
}

function resolveTarget(context: RequestContext, request: PlexRequest): Target {
  const origins = new Set<string>();
  for (const base of [context.url, context.v2Url]) {
    if (!isAllowedBaseUrl(base)) {
      throw new PlexError(
        "insecure_url",
        `The base URL ${redactUrl(String(base))} must use https (http only for loopback)`,
      );
    }
    origins.add(new URL(base).origin);
  }
  if (typeof request.path !== "string" || !request.path.startsWith("/")) {
    throw new PlexError("invalid_argument", "A request path must start with /");
  }
  const base = new URL(request.host === "url" ? context.url : context.v2Url);
  const url = new URL(base.href.replace(/\/+$/, "") + request.path);
  if (url.origin !== base.origin) {
    throw new PlexError("invalid_argument", "A request path must stay on the configured plex.tv host");
  }
  for (const [name, value] of Object.entries(request.query ?? {})) {
    if (value !== undefined) url.searchParams.set(name, String(value));
  }
  return { url, origins };
}

function buildInit(context: RequestContext, request: PlexRequest): { headers: Headers; body?: string } {
  const headers = new Headers(deviceHeaders(context.device));
  headers.set("X-Plex-Client-Identifier", context.clientId);
  headers.set("Accept", request.accept === "xml" ? "application/xml" : "application/json");
  if (request.token !== undefined) {
    // Token.from rejects whitespace and control characters without quoting the value, as Headers would.
    headers.set("X-Plex-Token", Token.from(request.token).value);
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
  target: Target,
  { timeoutMs, maxBytes }: AttemptLimits,
): Promise<PlexResponse> {
  const doFetch = options.fetch ?? context.http.fetch ?? globalThis.fetch;
  const allowedOrigins = target.origins;
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), timeoutMs);
  const linked = options.signal ? linkSignals([options.signal, timeout.signal]) : undefined;
  const signal = linked?.signal ?? timeout.signal;
  let url = new URL(target.url);
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
        const message = `The request to ${url.origin} failed: ${describe(cause)}`;
        const failure = new PlexError("network_error", message, { cause: redactError(cause) });
        if (isRefused(cause)) refusedConnections.add(failure);
        throw failure;
      }
      const location = response.headers.get("location");
      if (
        response.type === "opaqueredirect" || (response.status >= 300 && response.status < 400 && location)
      ) {
        await response.body?.cancel().catch(() => {});
        const next = _redirectTarget(location, url);
        const refused = !next
          ? "plex.tv redirected to a hidden or invalid location"
          : !allowedOrigins.has(next.origin)
          ? `plex.tv redirected to ${next.origin}, outside the configured hosts`
          : redirects >= MAX_REDIRECTS
          ? `plex.tv redirected more than ${MAX_REDIRECTS} times`
          : undefined;
        if (refused || !next) {
          throw new PlexError("redirect_refused", `${refused}; the request was not followed`, {
            status: response.status,
          });
        }
        if (
          response.status === 303 ||
          ((response.status === 301 || response.status === 302) && method === "POST")
        ) {
          method = "GET";
          body = undefined;
          headers.delete("Content-Type");
        }
        url = next;
        continue;
      }
      const text = await readCapped(response, maxBytes, options.signal, timeout.signal, timeoutMs, signal);
      logger.debug(`← ${response.status} ${redactUrl(url.href)} (${Date.now() - started} ms)`);
      return { status: response.status, headers: response.headers, body: text, url: redactUrl(url.href) };
    }
  } finally {
    clearTimeout(timer);
    linked?.dispose();
  }
}

/** The URL a `Location` header points to, or `undefined` when absent or not a URL. */
function _redirectTarget(location: string | null, base: URL): URL | undefined {
  if (!location) return undefined;
  try {
    return new URL(location, base);
  } catch {
    return undefined;
  }
}

/**
 * Reads a body up to `maxBytes`. On every failure (too large, cut off, timed
 * out, aborted) the stream is cancelled, so the connection is closed rather
 * than left half-read; an abort cancels a read in progress.
 */
async function readCapped(
  response: Response,
  maxBytes: number,
  callerSignal: AbortSignal | undefined,
  timeoutSignal: AbortSignal,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<string> {
  const declared = Number(response.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw tooLarge(maxBytes, response.status);
  }
  if (!response.body) return "";
  const reader = response.body.getReader();
  const cancel = () => reader.cancel().catch(() => {});
  signal.addEventListener("abort", cancel, { once: true });
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (cause) {
        throwIfAborted(callerSignal, timeoutSignal, timeoutMs, cause);
        throw new PlexError("network_error", `The response body was cut off: ${describe(cause)}`, {
          cause: redactError(cause),
        });
      }
      // A cancel on abort ends the stream early: that is not the end of the body.
      throwIfAborted(callerSignal, timeoutSignal, timeoutMs);
      if (chunk.done) break;
      total += chunk.value.byteLength;
      if (total > maxBytes) throw tooLarge(maxBytes, response.status);
      chunks.push(chunk.value);
    }
  } catch (err) {
    await cancel();
    throw err;
  } finally {
    signal.removeEventListener("abort", cancel);
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
  return new PlexError("response_too_large", `The response body is larger than ${maxBytes} bytes`, {
    status,
  });
}

function throwIfAborted(
  callerSignal: AbortSignal | undefined,
  timeoutSignal: AbortSignal,
  timeoutMs: number,
  cause?: unknown,
): void {
  if (callerSignal?.aborted) {
    throw new PlexError("aborted", "The request was aborted", { cause: callerSignal.reason });
  }
  if (timeoutSignal.aborted) {
    throw new PlexError("timeout", `The request timed out after ${timeoutMs} ms`, { cause });
  }
}

/**
 * A signal that fires when any of `signals` does, and `dispose` to remove its
 * listeners once the request is over (a long-lived caller signal would
 * otherwise collect one listener per request).
 */
function linkSignals(signals: AbortSignal[]): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const listeners: [AbortSignal, () => void][] = [];
  for (const signal of signals) {
    if (signal.aborted) {
      controller.abort(signal.reason);
      break;
    }
    const listener = () => controller.abort(signal.reason);
    signal.addEventListener("abort", listener, { once: true });
    listeners.push([signal, listener]);
  }
  return {
    signal: controller.signal,
    dispose: () => {
      for (const [signal, listener] of listeners) signal.removeEventListener("abort", listener);
    },
  };
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

/** Whether a fetch failure is a refused connection (Node: ECONNREFUSED, Bun: ConnectionRefused, Deno: os error 111). */
function isRefused(cause: unknown): boolean {
  let current: unknown = cause;
  for (let depth = 0; current && typeof current === "object" && depth < 5; depth++) {
    const e = current as { message?: unknown; code?: unknown; cause?: unknown };
    const text = `${typeof e.code === "string" ? e.code : ""} ${
      typeof e.message === "string" ? e.message : ""
    }`;
    if (/ECONNREFUSED|ConnectionRefused|connection refused|actively refused/i.test(text)) return true;
    current = e.cause;
  }
  return false;
}

/**
 * Waits `ms` milliseconds, or rejects with `aborted` when `signal` fires.
 * Negative and `NaN` delays wait 0 ms; delays beyond a timer's range (about
 * 24.8 days, `Infinity` included) wait that long rather than firing at once.
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
    }, Math.min(Math.max(0, Number.isFinite(ms) ? ms : ms > 0 ? MAX_TIMER_MS : 0), MAX_TIMER_MS));
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
  if (typeof timeoutMs !== "number" || !(timeoutMs > 0)) {
    throw new PlexError("invalid_argument", "The timeout must be a number of milliseconds above 0");
  }
  const headers = new Headers(options.headers);
  headers.set("Accept", "application/json");
  if (options.token !== undefined) {
    // Token.from rejects whitespace and control characters without quoting the value, as Headers would.
    headers.set("X-Plex-Token", Token.from(options.token).value);
  }
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), Math.min(timeoutMs, MAX_TIMER_MS));
  const linked = options.signal ? linkSignals([options.signal, timeout.signal]) : undefined;
  const signal = linked?.signal ?? timeout.signal;
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
      const message = `The request to ${target.origin} failed: ${describe(cause)}`;
      throw new PlexError("network_error", message, { cause: redactError(cause) });
    }
    await response.body?.cancel().catch(() => {});
    const ok = response.status >= 200 && response.status < 300;
    return { status: response.status, ok, url: redactUrl(target.href) };
  } finally {
    clearTimeout(timer);
    linked?.dispose();
  }
}
