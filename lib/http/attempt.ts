/**
 * One attempt of a plex.tv request, for the request helper (`http.ts`):
 * headers, the manual same-origin redirect policy, and reading the body
 * within the size cap. Retries live in `http.ts`.
 *
 * @module
 */
import { isAllowedBaseUrl } from "./base_url.ts";
import { type Deadline, startDeadline } from "./deadline.ts";
import { deviceHeaders } from "../device.ts";
import { isPlexError, PlexError } from "../errors.ts";
import { describe, isRefused, networkError } from "./fetch_failure.ts";
import type { CallOptions, PlexRequest, PlexResponse, RequestContext } from "./types.ts";
import type { Logger } from "../logger.ts";
import { redactError, redactUrl } from "../redact.ts";
import { Token } from "../token.ts";

const MAX_REDIRECTS = 5;

/**
 * What one attempt ended with: a response, or a failure that may be retried
 * (`network_error`, `timeout`). `refused` says the connection was refused, so
 * nothing reached the server and even a non-idempotent request may be repeated.
 */
export type Outcome =
  | { response: PlexResponse; failure?: undefined; refused?: undefined }
  | { response?: undefined; failure: PlexError; refused: boolean };

/** The first URL of a request, and the origins redirects may go to (the configured hosts). */
export interface Target {
  /** The request URL with its query. */
  url: URL;
  /** The origins of the configured hosts. */
  origins: Set<string>;
}

/**
 * Checks the configured hosts and builds the request URL.
 *
 * @param context The configuration.
 * @param request The request.
 * @returns The URL and the allowed origins.
 * @throws {PlexError} `insecure_url`, or `invalid_argument` for a path that leaves the host.
 */
export function resolveTarget(context: RequestContext, request: PlexRequest): Target {
  const origins = new Set<string>();
  const bases = [context.url, context.v2Url];
  if (context.discoverUrl !== undefined) bases.push(context.discoverUrl);
  for (const base of bases) {
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
  const chosen = request.host === "url"
    ? context.url
    : request.host === "v2Url"
    ? context.v2Url
    : request.host === "discoverUrl"
    ? context.discoverUrl
    : undefined;
  if (chosen === undefined) {
    throw new PlexError("invalid_argument", `No base URL is configured for the host ${String(request.host)}`);
  }
  const base = new URL(chosen);
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
    for (const [name, value] of Object.entries(request.form)) {
      for (const item of typeof value === "string" ? [value] : value ?? []) form.append(name, item);
    }
    headers.set("Content-Type", "application/x-www-form-urlencoded");
    return { headers, body: form.toString() };
  }
  if (request.json !== undefined) {
    headers.set("Content-Type", "application/json");
    return { headers, body: JSON.stringify(request.json) };
  }
  return { headers };
}

/**
 * Sends one attempt: fetch with its own deadline, redirects followed only
 * within `target.origins`, the body read within `maxBytes`. Network failures
 * and timeouts are answered as an {@linkcode Outcome}; every other error is thrown.
 *
 * @param context The configuration.
 * @param request The request.
 * @param options The caller's signal, fetch and timeout.
 * @param logger Where requests are logged (URLs redacted).
 * @param target From {@linkcode resolveTarget}.
 * @param limits The attempt's timeout and size cap.
 * @returns The response with its body, or the failure.
 */
export async function attemptOnce(
  context: RequestContext,
  request: PlexRequest,
  options: CallOptions,
  logger: Logger,
  target: Target,
  limits: { timeoutMs: number; maxBytes: number },
): Promise<Outcome> {
  try {
    return { response: await attemptResponse(context, request, options, logger, target, limits) };
  } catch (err) {
    if (err instanceof RefusedConnection) return { failure: err.failure, refused: true };
    if (isPlexError(err, "network_error", "timeout")) return { failure: err, refused: false };
    throw err;
  }
}

/** Carries a refused connection's `network_error` out of {@linkcode attemptResponse}. */
class RefusedConnection extends Error {
  constructor(readonly failure: PlexError) {
    super(failure.message);
  }
}

async function attemptResponse(
  context: RequestContext,
  request: PlexRequest,
  options: CallOptions,
  logger: Logger,
  target: Target,
  limits: { timeoutMs: number; maxBytes: number },
): Promise<PlexResponse> {
  const doFetch = options.fetch ?? context.http.fetch ?? globalThis.fetch;
  let { headers, body } = buildInit(context, request);
  const deadline = startDeadline(limits.timeoutMs, options.signal);
  let url = new URL(target.url);
  let method: string = request.method;
  const started = Date.now();
  try {
    for (let redirects = 0;; redirects++) {
      deadline.check();
      logger.debug(`→ ${method} ${redactUrl(url.href)}`);
      let response: Response;
      try {
        response = await doFetch(url, { method, headers, body, signal: deadline.signal, redirect: "manual" });
      } catch (cause) {
        deadline.check(cause);
        const failure = networkError(url.origin, cause);
        throw isRefused(cause) ? new RefusedConnection(failure) : failure;
      }
      const location = response.headers.get("location");
      if (
        response.type === "opaqueredirect" || (response.status >= 300 && response.status < 400 && location)
      ) {
        await response.body?.cancel().catch(() => {});
        const next = redirectTarget(location, url);
        const refused = !next
          ? "plex.tv redirected to a hidden or invalid location"
          : !target.origins.has(next.origin)
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
      const text = await readCapped(response, limits.maxBytes, deadline);
      logger.debug(`← ${response.status} ${redactUrl(url.href)} (${Date.now() - started} ms)`);
      return { status: response.status, headers: response.headers, body: text, url: redactUrl(url.href) };
    }
  } finally {
    deadline.dispose();
  }
}

/** The URL a `Location` header points to, or `undefined` when absent or not a URL. */
function redirectTarget(location: string | null, base: URL): URL | undefined {
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
async function readCapped(response: Response, maxBytes: number, deadline: Deadline): Promise<string> {
  const length = response.headers.get("content-length")?.trim();
  const declared = length && /^\d+$/.test(length) ? Number(length) : undefined;
  if (declared !== undefined && declared > maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw tooLarge(maxBytes, response.status);
  }
  if (!response.body) return "";
  const encoding = response.headers.get("content-encoding")?.trim().toLowerCase();
  if (declared !== undefined && (!encoding || encoding === "identity")) {
    // The runtime reads exactly the declared length (HTTP framing), so the cap holds without counting.
    // A compressed body's declared length is not its decoded size: it is counted below.
    try {
      return await response.text();
    } catch (cause) {
      deadline.check(cause);
      throw new PlexError("network_error", `The response body was cut off: ${describe(cause)}`, {
        cause: redactError(cause),
      });
    }
  }
  const reader = response.body.getReader();
  const cancel = () => reader.cancel().catch(() => {});
  deadline.signal.addEventListener("abort", cancel, { once: true });
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (cause) {
        deadline.check(cause);
        throw new PlexError("network_error", `The response body was cut off: ${describe(cause)}`, {
          cause: redactError(cause),
        });
      }
      // A cancel on abort ends the stream early: that is not the end of the body.
      deadline.check();
      if (chunk.done) break;
      total += chunk.value.byteLength;
      if (total > maxBytes) throw tooLarge(maxBytes, response.status);
      chunks.push(chunk.value);
    }
  } catch (err) {
    await cancel();
    throw err;
  } finally {
    deadline.signal.removeEventListener("abort", cancel);
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
