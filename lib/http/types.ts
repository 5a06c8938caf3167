/**
 * The types of the request helper: the request, the response, the settings
 * and the context a request needs. Types only, so every part of the HTTP
 * layer can name them without importing the helper itself.
 *
 * @module
 */
import type { Clock } from "../clock.ts";
import type { Device } from "../device.ts";
import type { Logger } from "../logger.ts";
import type { Token } from "../token.ts";
import type { RequestChecks } from "./checked_hosts.ts";
import type { PlexClock } from "./plex_clock.ts";
import type { RetryBudget } from "./retry_budget.ts";

/**
 * When and how often a failed request is tried again.
 *
 * @example
 * ```ts
 * import type { RetryPolicy } from "./types.ts";
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
 * import type { HttpSettings } from "./types.ts";
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
   * Default: one (20 retries, 1 more per second) that `Config` makes at the first retry and its `with*`
   * copies share.
   */
  retryBudget?: RetryBudget;
  /** Where requests are logged (without secrets). */
  logger?: Logger;
  /**
   * The clock, sleep and randomness of retries and PIN polling. Default: the system's.
   * Tests pass a fake one to assert schedules without waiting.
   */
  clock?: Clock;
  /**
   * plex.tv's clock as estimated from the `Date` header of its responses (see {@linkcode PlexClock}):
   * device JWTs are signed, JWTs judged and saves stamped on it. Default: one that `Config` starts
   * when plex.tv's time is first needed (a device JWT signed, a PIN sign-in with a device key, a JWT
   * verified, a token source with a store or in JWT mode) and its `with*` copies share; a configuration that needs none reads no `Date` header.
   */
  plexClock?: PlexClock;
}

/**
 * What a request needs from a configuration; `Config` satisfies it.
 *
 * @example
 * ```ts
 * import type { RequestContext } from "./types.ts";
 * const context: RequestContext = { url: "https://plex.tv", v2Url: "https://clients.plex.tv", clientId: "id", device: {}, http: {} };
 * ```
 */
export interface RequestContext {
  /** Base URL of the legacy host. */
  readonly url: string;
  /** Base URL of the v2 host. */
  readonly v2Url: string;
  /**
   * Base URL of the discover host (the watchlist). A context without one
   * cannot reach that host; `Config` always has one.
   */
  readonly discoverUrl?: string;
  /** The client identifier. */
  readonly clientId: string;
  /** The device headers. */
  readonly device: Device;
  /** HTTP settings. */
  readonly http: HttpSettings;
  /**
   * Where the request helper keeps what it checked of this context (hosts, device headers, request
   * URLs), so that it checks them once; every `Config` has one. Without it, each request checks again.
   */
  readonly checks?: RequestChecks;
}

/**
 * Options every plextv call accepts.
 *
 * @example
 * ```ts
 * import type { CallOptions } from "./types.ts";
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
 * import type { PlexRequest } from "./types.ts";
 * const request: PlexRequest = { method: "GET", host: "v2Url", path: "/api/v2/auth/nonce" };
 * ```
 */
export interface PlexRequest {
  /** The HTTP method. */
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** Which configured base URL. */
  host: "url" | "v2Url" | "discoverUrl";
  /** The path, starting with `/`. */
  path: string;
  /** Query parameters; `undefined` values are left out. */
  query?: Record<string, string | number | boolean | undefined>;
  /**
   * A form body (`application/x-www-form-urlencoded`); `undefined` values are left out, and a list
   * repeats its field (`urls[]=a&urls[]=b`).
   */
  form?: Record<string, string | readonly string[] | undefined>;
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
 * import type { PlexResponse } from "./types.ts";
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

/**
 * A response from `sendJson`: a 2xx JSON body read within the size cap may come parsed already
 * (`parsed`, with `body` left empty); any other response has its body text, as from `send`.
 * Read it with `readJson`, which takes either.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { JsonResponse } from "./types.ts";
 * const response: JsonResponse = { status: 200, headers: new Headers(), body: "", url: "", parsed: { id: 1 } };
 * assert.deepEqual(response.parsed, { id: 1 });
 * ```
 */
export interface JsonResponse extends PlexResponse {
  /** The parsed body, when it was parsed as it was read. */
  parsed?: unknown;
}
