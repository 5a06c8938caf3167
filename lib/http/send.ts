/**
 * The one request helper: every call to plex.tv goes through {@linkcode send}.
 * It owns headers, timeouts, retries, the response size cap and the redirect
 * policy; error bodies are read by `checkOk` (`error_body.ts`), or by
 * {@linkcode ensureOk}, which loads that reader when a response first fails.
 * Only its own files (`attempt.ts`, `lib/servers/probe.ts` for Plex Media
 * Servers) call `fetch`. The retries (`retry_loop.ts`) load when a request
 * first fails.
 *
 * @module
 */
import { systemClock } from "../clock.ts";
import { PlexError } from "../errors.ts";
import { silentLogger } from "../logger.ts";
import { type AttemptLimits, attemptOnce, notJson, resolveTarget } from "./attempt.ts";
import { checkCallOptions, MAX_TIMER_MS, timeoutMs } from "./deadline.ts";
import { answer, mayRetry, retryPolicy } from "./retry.ts";
import { runningPlexClock } from "./shared_state.ts";
import type { CallOptions, JsonResponse, PlexRequest, PlexResponse, RequestContext } from "./types.ts";

export type {
  CallOptions,
  HttpSettings,
  JsonResponse,
  PlexRequest,
  PlexResponse,
  RequestContext,
  RetryPolicy,
} from "./types.ts";

const DEFAULT_TIMEOUT_MS = 15_000;
const DEFAULT_MAX_BYTES = 8 * 1024 * 1024;

/**
 * Sends a request to plex.tv and reads the response body, whatever its status.
 * Pair it with `checkOk`.
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
 * - Every retry draws from the configuration's retry budget (`http.retryBudget`, or
 *   the one a `Config` given none makes at its first retry and shares with its
 *   copies): when it is spent, the failure is answered without retrying. A plain
 *   context without a budget retries as its policy says.
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
 * ```ts
 * import assert from "node:assert/strict";
 * import { ensureOk, send } from "./send.ts";
 * import { defaultConfig } from "../config.ts";
 * import { createEmulator } from "../testing/mod.ts";
 *
 * const emulator = await createEmulator(); // plex.tv, in process
 * const config = defaultConfig().withClientId("doc-example").withUrls(emulator.url).withFetch(emulator.fetch);
 * const res = await ensureOk(await send(config, { method: "GET", host: "v2Url", path: "/api/v2/auth/nonce" }));
 * assert.equal(res.status, 200);
 * assert.ok(JSON.parse(res.body).nonce);
 * const missing = await send(config, { method: "GET", host: "v2Url", path: "/api/v2/nothing-here" });
 * await assert.rejects(ensureOk(missing), { code: "not_found" });
 * await emulator.close();
 * ```
 */
export function send(
  context: RequestContext,
  request: PlexRequest,
  options: CallOptions = {},
): Promise<PlexResponse> {
  return sendAndRead(context, request, options, false);
}

/**
 * {@linkcode send} for a caller that parses a JSON answer at once (the `Client` and `Config`
 * calls): a 2xx body of declared length within the size cap, not compressed, is parsed as it is
 * read (`parsed`), which is faster than its text then `JSON.parse` on some runtimes; every other
 * body (errors, compressed or chunked ones) is read as text, as {@linkcode send} reads it, with
 * the same checks. Read the answer with {@linkcode readJson}.
 *
 * @param context The configuration.
 * @param request The request.
 * @param options Signal, fetch and timeout for this call.
 * @returns The response, its body parsed or as text.
 * @throws {PlexError} as {@linkcode send}, and `invalid_response` for a 2xx body that is not JSON.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readJson, sendJson } from "./send.ts";
 * import { defaultConfig } from "../config.ts";
 * const fetch = () => Promise.resolve(Response.json({ nonce: "n" }, { headers: { "content-length": "13" } }));
 * const config = defaultConfig().withClientId("example").withHttp({ fetch });
 * const response = await sendJson(config, { method: "GET", host: "v2Url", path: "/api/v2/auth/nonce" });
 * assert.deepEqual(readJson(response), { nonce: "n" });
 * ```
 */
export function sendJson(
  context: RequestContext,
  request: PlexRequest,
  options: CallOptions = {},
): Promise<JsonResponse> {
  return sendAndRead(context, request, options, true);
}

async function sendAndRead(
  context: RequestContext,
  request: PlexRequest,
  options: CallOptions,
  json: boolean,
): Promise<JsonResponse> {
  if (!context.clientId) {
    throw new PlexError("client_id_missing", "No client identifier is configured");
  }
  const policy = retryPolicy(context.http.retry);
  const idempotent = request.idempotent ?? request.method !== "POST";
  const logger = context.http.logger ?? silentLogger;
  const target = resolveTarget(context, request);
  const limits = attemptLimits(context, options, json);
  const clock = context.http.clock ?? systemClock;
  const attempt = async () => {
    const sentAt = clock.now();
    const outcome = await attemptOnce(context, request, options, logger, target, limits);
    // plex.tv's Date header, against this machine's clock halfway through the attempt.
    const { response } = outcome;
    if (response) {
      runningPlexClock(context.http)?.observe(response.headers.get("date"), (sentAt + clock.now()) / 2);
    }
    return outcome;
  };
  const first = await attempt();
  if (policy.retries < 1 || !mayRetry(first, idempotent)) return answer(first);
  let retries: typeof import("./retry_loop.ts");
  try {
    retries = await import("./retry_loop.ts");
  } catch (err) {
    // A browser that lost its network may not load the code: the failure is answered as it is.
    logger.warn(`Not retrying ${request.method} ${request.path}: ${(err as Error).message}`);
    return answer(first);
  }
  return retries.retryLoop({ context, request, options, policy, idempotent, logger, attempt }, first);
}

function attemptLimits(context: RequestContext, options: CallOptions, json: boolean): AttemptLimits {
  checkCallOptions(options);
  const timeout = timeoutMs(options.timeoutMs ?? context.http.timeoutMs, "The timeout") ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = context.http.maxResponseBytes ?? DEFAULT_MAX_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
    throw new PlexError(
      "invalid_argument",
      "The response size cap must be a whole number of bytes, 0 or more",
    );
  }
  return { timeoutMs: Math.min(timeout, MAX_TIMER_MS), maxBytes, json };
}

/**
 * `checkOk` for callers that wait anyway (`Client`, `Config`'s flows): a 2xx response is
 * returned as it is; for any other, the error body reader (`error_body.ts`, JSON and XML) is loaded
 * when a response first fails, so a path whose calls succeed does not carry it.
 *
 * @param response The response from {@linkcode send}.
 * @returns The same response, when its status is 2xx.
 * @throws {PlexError} as `checkOk` throws it; `http_error` with the status when the
 *   reader cannot be loaded (a browser that lost its network).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ensureOk } from "./send.ts";
 * const ok = { status: 200, headers: new Headers(), url: "", body: "{}" };
 * assert.equal(await ensureOk(ok), ok);
 * await assert.rejects(
 *   ensureOk({ ...ok, status: 401, body: '{"errors":[{"code":1029,"message":"Please enter the verification code"}]}' }),
 *   { code: "verification_code_required", status: 401 },
 * );
 * ```
 */
export async function ensureOk(response: PlexResponse): Promise<PlexResponse> {
  if (response.status >= 200 && response.status < 300) return response;
  let reader: typeof import("./error_reader.ts");
  try {
    reader = await import("./error_reader.ts");
  } catch (cause) {
    throw new PlexError("http_error", `plex.tv answered ${response.status}`, {
      status: response.status,
      cause,
    });
  }
  return reader.checkOk(response);
}

/**
 * Parses a successful response's JSON body (or returns it, when {@linkcode sendJson} parsed it
 * as it was read).
 *
 * @param response A 2xx response.
 * @returns The parsed JSON.
 * @throws {PlexError} `invalid_response` when the body is not JSON.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readJson } from "./send.ts";
 * const doc = readJson({ status: 200, headers: new Headers(), body: '{"nonce":"n"}', url: "" });
 * assert.equal((doc as { nonce: string }).nonce, "n");
 * ```
 */
export function readJson(response: PlexResponse): unknown {
  // A body parsed as it was read (sendJson); JSON is never `undefined`.
  const { parsed } = response as JsonResponse;
  if (parsed !== undefined) return parsed;
  try {
    return JSON.parse(response.body);
  } catch {
    throw notJson(response.status);
  }
}
