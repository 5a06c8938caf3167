/**
 * The one request helper: every call to plex.tv goes through {@linkcode send}.
 * It owns headers, timeouts, retries, the response size cap, the redirect
 * policy and error parsing ({@linkcode checkOk}). Only its own files (`attempt.ts`,
 * `lib/servers/probe.ts` for Plex Media Servers) call `fetch`.
 *
 * @module
 */
import { attemptOnce, resolveTarget, wasRefused } from "./attempt.ts";
import { MAX_TIMER_MS } from "./deadline.ts";
import type { Device } from "../device.ts";
import { errorFromResponse, parseErrorBody } from "./error_body.ts";
import { isPlexError, PlexError } from "../errors.ts";
import { type Logger, silentLogger } from "../logger.ts";
import { parseRetryAfter } from "./retry_after.ts";
import { RetryBudget } from "./retry_budget.ts";
import { sleep } from "../clock.ts";
import type { Token } from "../token.ts";

export { isAllowedBaseUrl } from "./base_url.ts";
export { probe } from "../servers/probe.ts";
export type { ProbeOptions, ProbeResult } from "../servers/probe.ts";
export { parseRetryAfter } from "./retry_after.ts";
export { sleep } from "../clock.ts";

/**
 * When and how often a failed request is tried again.
 *
 * @example
 * ```ts
 * import type { RetryPolicy } from "./send.ts";
 * const patient: RetryPolicy = { retries: 5, baseDelayMs: 500, maxDelayMs: 10_000, maxRetryAfterMs: 60_000 };
 * ```
 */
export interface RetryPolicy {
  /**
   * Retries after the first attempt (0 disables retries). Every retry also needs a token from the
   * configuration's {@linkcode RetryBudget}: when the budget is spent, the failure is answered at once,
   * so even `Infinity` stops once the budget runs dry.
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
 * import type { HttpSettings } from "./send.ts";
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
 * import type { RequestContext } from "./send.ts";
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
 * import type { CallOptions } from "./send.ts";
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
 * import type { PlexRequest } from "./send.ts";
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
 * import type { PlexResponse } from "./send.ts";
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
/** Budgets of contexts that do not carry one (plain `RequestContext` objects rather than a `Config`). */
const fallbackBudgets = new WeakMap<object, RetryBudget>();

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
 * import { checkOk, send } from "./send.ts";
 * import { defaultConfig, newClientId } from "../config.ts";
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
      ? idempotent || wasRefused(failure)
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
 * import { checkOk } from "./send.ts";
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
 * import { readJson } from "./send.ts";
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
