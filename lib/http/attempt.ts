/**
 * One attempt of a plex.tv request, for the request helper (`http.ts`):
 * headers, the manual same-origin redirect policy, and reading the body
 * within the size cap. Retries live in `http.ts`.
 *
 * @module
 */
import { allowedBaseUrl } from "./base_url.ts";
import { type Deadline, startDeadline } from "./deadline.ts";
import { deviceHeaders } from "../device.ts";
import { isPlexError, PlexError } from "../errors.ts";
import type { CallOptions, PlexRequest, PlexResponse, RequestContext } from "./types.ts";
import { type Logger, silentLogger } from "../logger.ts";
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

/**
 * Checks the configured hosts and builds the request URL. Every configured
 * host must be allowed (a bad one stops every request of the context); the
 * request's own host, when it is only an origin (`https://plex.tv`), is
 * checked by parsing the request URL itself, else it is parsed apart and the
 * request must stay on its origin.
 *
 * @param context The configuration.
 * @param request The request.
 * @returns The request URL with its query.
 * @throws {PlexError} `insecure_url`, or `invalid_argument` for a host that is not configured or a path
 *   that leaves the host.
 */
export function resolveTarget(context: RequestContext, request: PlexRequest): string {
  const base = request.host === "url"
    ? context.url
    : request.host === "v2Url"
    ? context.v2Url
    : request.host === "discoverUrl"
    ? context.discoverUrl
    : undefined;
  for (const other of configuredBases(context)) if (other !== base) allowedBase(other);
  if (base === undefined) {
    throw new PlexError("invalid_argument", `No base URL is configured for the host ${String(request.host)}`);
  }
  if (typeof request.path !== "string" || !request.path.startsWith("/")) {
    throw new PlexError("invalid_argument", "A request path must start with /");
  }
  const root = String(base).replace(/\/+$/, "");
  const url = allowedBaseUrl(root + request.path);
  if (url?.origin !== root && url?.origin !== allowedBase(base).origin) {
    throw new PlexError("invalid_argument", "A request path must stay on the configured plex.tv host");
  }
  if (request.query) {
    for (const [name, value] of Object.entries(request.query)) {
      if (value !== undefined) url!.searchParams.set(name, String(value));
    }
  }
  return url!.href;
}

/** The base URLs of the configured hosts. */
function configuredBases(context: RequestContext): string[] {
  return context.discoverUrl === undefined
    ? [context.url, context.v2Url]
    : [context.url, context.v2Url, context.discoverUrl];
}

function allowedBase(base: string): URL {
  const parsed = allowedBaseUrl(base);
  if (!parsed) {
    throw new PlexError(
      "insecure_url",
      `The base URL ${redactUrl(String(base))} must use https (http only for loopback)`,
    );
  }
  return parsed;
}

/** Header values fetch accepts: no line breaks or other control characters, Latin-1 only. */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * The headers and body of a request. The headers are a plain record, which
 * `fetch` takes as it is; their values are checked here, so a bad one is an
 * `invalid_argument` rather than a failure of the request.
 */
function buildInit(
  context: RequestContext,
  request: PlexRequest,
): { headers: Record<string, string>; body?: string } {
  const headers = deviceHeaders(context.device);
  headers["X-Plex-Client-Identifier"] = context.clientId;
  for (const name in headers) {
    if (!HEADER_VALUE.test(headers[name]!)) {
      throw new PlexError(
        "invalid_argument",
        `The ${name} header must be Latin-1 text without control characters or line breaks`,
      );
    }
  }
  headers.Accept = request.accept === "xml" ? "application/xml" : "application/json";
  if (request.token !== undefined) {
    // Token.from rejects whitespace and control characters without quoting the value.
    headers["X-Plex-Token"] = Token.from(request.token).value;
  }
  let body: string | undefined;
  if (request.form) {
    const form = new URLSearchParams();
    for (const [name, value] of Object.entries(request.form)) {
      for (const item of typeof value === "string" ? [value] : value ?? []) form.append(name, item);
    }
    headers["Content-Type"] = "application/x-www-form-urlencoded";
    body = form.toString();
  } else if (request.json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(request.json);
  }
  return { headers, body };
}

/** The origins redirects may go to: those of the configured hosts. */
function allowedOrigins(context: RequestContext): string[] {
  return configuredBases(context).map((base) => allowedBase(base).origin);
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
 * @param target The URL, from {@linkcode resolveTarget}.
 * @param limits The attempt's timeout and size cap.
 * @returns The response with its body, or the failure.
 */
export async function attemptOnce(
  context: RequestContext,
  request: PlexRequest,
  options: CallOptions,
  logger: Logger,
  target: string,
  limits: { timeoutMs: number; maxBytes: number },
): Promise<Outcome> {
  try {
    return await attemptResponse(context, request, options, logger, target, limits);
  } catch (err) {
    if (isPlexError(err, "network_error", "timeout")) return { failure: err, refused: false };
    throw err;
  }
}

async function attemptResponse(
  context: RequestContext,
  request: PlexRequest,
  options: CallOptions,
  logger: Logger,
  target: string,
  limits: { timeoutMs: number; maxBytes: number },
): Promise<Outcome> {
  const doFetch = options.fetch ?? context.http.fetch ?? globalThis.fetch;
  let { headers, body } = buildInit(context, request);
  const deadline = startDeadline(limits.timeoutMs, options.signal);
  let url: string = target;
  let method: string = request.method;
  // Log lines are built only for a logger that prints them.
  const logging = logger !== silentLogger;
  const started = logging ? Date.now() : 0;
  try {
    for (let redirects = 0;; redirects++) {
      deadline.check();
      if (logging) logger.debug(`→ ${method} ${redactUrl(url)}`);
      let response: Response;
      try {
        response = await doFetch(url, { method, headers, body, signal: deadline.signal, redirect: "manual" });
      } catch (cause) {
        deadline.check(cause);
        return await fetchFailure(new URL(url).origin, cause);
      }
      const location = response.headers.get("location");
      if (
        response.type === "opaqueredirect" || (response.status >= 300 && response.status < 400 && location)
      ) {
        await response.body?.cancel().catch(() => {});
        const next = redirectTarget(location, url);
        const refused = !next
          ? "plex.tv redirected to a hidden or invalid location"
          : !allowedOrigins(context).includes(next.origin)
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
          delete headers["Content-Type"];
        }
        url = next.href;
        continue;
      }
      const text = await readCapped(response, limits.maxBytes, deadline);
      const shown = redactUrl(url);
      if (logging) logger.debug(`← ${response.status} ${shown} (${Date.now() - started} ms)`);
      return { response: { status: response.status, headers: response.headers, body: text, url: shown } };
    }
  } finally {
    deadline.dispose();
  }
}

/** The URL a `Location` header points to, or `undefined` when absent or not a URL. */
function redirectTarget(location: string | null, base: string): URL | undefined {
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
  const encoding = response.headers.get("content-encoding")?.trim().toLowerCase();
  if (declared !== undefined && (!encoding || encoding === "identity")) {
    // The runtime reads exactly the declared length (HTTP framing), so the cap holds without counting.
    // A compressed body's declared length is not its decoded size: it is counted below. `response.body`
    // is not touched here: reading it makes a stream, and text() then takes the stream's slower path.
    try {
      return await response.text();
    } catch (cause) {
      deadline.check(cause);
      throw await cutOff(cause);
    }
  }
  if (!response.body) return "";
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
        throw await cutOff(cause);
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

/**
 * The failure of a fetch that rejected. The wording of network failures
 * (lib/http/fetch_failure.ts, a table of every runtime's codes and texts) is
 * loaded when a request first fails, so a path that never fails does not carry it.
 */
async function fetchFailure(origin: string, cause: unknown): Promise<Outcome> {
  try {
    const { isRefused, networkError } = await import("./fetch_failure.ts");
    return { failure: networkError(origin, cause), refused: isRefused(cause) };
  } catch {
    // The wording could not be loaded (a browser that went offline): the failure is reported without it.
    return {
      failure: new PlexError("network_error", `Cannot reach ${redactUrl(origin)}`, {
        cause: redactError(cause),
      }),
      refused: false,
    };
  }
}

/** The `network_error` of a body that stopped before its end. */
async function cutOff(cause: unknown): Promise<PlexError> {
  let reason = "";
  try {
    const { describe } = await import("./fetch_failure.ts");
    reason = `: ${describe(cause)}`;
  } catch {
    // As in fetchFailure: reported without the wording.
  }
  return new PlexError("network_error", `The response body was cut off${reason}`, {
    cause: redactError(cause),
  });
}
