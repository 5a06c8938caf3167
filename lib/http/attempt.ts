/**
 * One attempt of a plex.tv request, for the request helper (`send.ts`):
 * headers, manual redirects (their rule, `redirect.ts`, loaded with the
 * first one), reading the body within the size cap, and an error body
 * without the request's secrets. Retries live in `retry_loop.ts`.
 *
 * @module
 */
import {
  checkedDeviceHeaders,
  checkHeaderValue,
  checkHosts,
  type Host,
  type Hosts,
} from "./checked_hosts.ts";
import { type Deadline, startDeadline } from "./deadline.ts";
import { isPlexError, PlexError } from "../errors.ts";
import type { CallOptions, JsonResponse, PlexRequest, RequestContext } from "./types.ts";
import { type Logger, silentLogger } from "../logger.ts";
import { redactUrl } from "../redact/url.ts";
import { Token } from "../token.ts";

/** The hosts a request may name. */
const HOST_NAMES: readonly string[] = ["url", "v2Url", "discoverUrl"];

/** The statuses that redirect (Fetch's redirect statuses); a 300 or 304 with a `Location` is an answer. */
const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/**
 * The limits of each attempt, and `json`: a 2xx body whose declared length is within the cap (and
 * not compressed) is parsed as it is read (`response.json()`, faster than text then `JSON.parse` on
 * some runtimes) instead of kept as text; any other body is read as text, as always.
 */
export interface AttemptLimits {
  /** The attempt's timeout. */
  timeoutMs: number;
  /** The size cap of a body. */
  maxBytes: number;
  /** Parse a 2xx JSON body while reading it. */
  json?: boolean;
}

/**
 * What one attempt ended with: a response, or a failure that may be retried
 * (`network_error`, `timeout`). `refused` says the connection was refused, so
 * nothing reached the server and even a non-idempotent request may be repeated.
 */
export type Outcome =
  | { response: JsonResponse; failure?: undefined; refused?: undefined }
  | { response?: undefined; failure: PlexError; refused: boolean };

/**
 * Checks the configured hosts and builds the request URL. Every configured
 * host must be allowed (a bad one stops every request of the context); the
 * request URL must stay on its host's origin. The checks are kept by the
 * context's {@linkcode RequestChecks} when it has one (every `Config` does).
 *
 * @param context The configuration.
 * @param request The request.
 * @returns The request URL with its query.
 * @throws {PlexError} `insecure_url`, or `invalid_argument` for a host that is not configured or a path
 *   that leaves the host.
 */
export function resolveTarget(context: RequestContext, request: PlexRequest): string {
  const hosts = hostsOf(context);
  // The name is checked: a request built in JavaScript may name anything (`constructor`, ...).
  const host = HOST_NAMES.includes(request.host) ? hosts[request.host] : undefined;
  if (host === undefined) {
    throw new PlexError("invalid_argument", `No base URL is configured for the host ${String(request.host)}`);
  }
  if (typeof request.path !== "string" || !request.path.startsWith("/")) {
    throw new PlexError("invalid_argument", "A request path must start with /");
  }
  const build = () => onHost(host, request.path).href;
  if (!request.query) return context.checks?.url(host.root + request.path, build) ?? build();
  const url = onHost(host, request.path);
  for (const [name, value] of Object.entries(request.query)) {
    if (value !== undefined) url.searchParams.set(name, String(value));
  }
  return url.href;
}

/** The context's checked hosts: kept by its {@linkcode RequestChecks}, or checked now for a plain context. */
function hostsOf(context: RequestContext): Hosts {
  return context.checks?.hosts(context) ?? checkHosts(context);
}

/** The URL of a path on a host, which must stay on the host's origin. */
function onHost(host: Host, path: string): URL {
  // The host was checked (checkBaseUrl): a URL on its origin has its scheme and host.
  let url: URL | undefined;
  try {
    url = new URL(host.root + path);
  } catch { /* refused below */ }
  if (url?.origin !== host.origin) {
    throw new PlexError("invalid_argument", "A request path must stay on the configured plex.tv host");
  }
  return url;
}

/**
 * The headers and body of a request. The headers are a plain record, which
 * `fetch` takes as it is; their values are checked here (the device's once per
 * configuration), so a bad one is an `invalid_argument` rather than a failure
 * of the request.
 */
function buildInit(
  context: RequestContext,
  request: PlexRequest,
): { headers: Record<string, string>; body?: string } {
  const headers: Record<string, string> = {
    ...(context.checks?.deviceHeaders(context.device) ?? checkedDeviceHeaders(context.device)),
  };
  checkHeaderValue("X-Plex-Client-Identifier", context.clientId);
  headers["X-Plex-Client-Identifier"] = context.clientId;
  headers.Accept = request.accept === "xml" ? "application/xml" : "application/json";
  if (request.token !== undefined) {
    // Token.from rejects whitespace and control characters without quoting the value.
    headers["X-Plex-Token"] = Token.from(request.token).value;
  }
  let body: string | undefined;
  if (request.form) {
    const form = new URLSearchParams();
    for (const [name, value] of Object.entries(request.form)) {
      const items: unknown = typeof value === "string" ? [value] : value ?? [];
      // A value from JavaScript may be anything: a number is not sent as some text of it.
      if (!Array.isArray(items) || items.some((item) => typeof item !== "string")) {
        throw new PlexError("invalid_argument", `${name} must be a string`);
      }
      for (const item of items) form.append(name, item);
    }
    headers["Content-Type"] = "application/x-www-form-urlencoded";
    body = form.toString();
  } else if (request.json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(request.json);
  }
  return { headers, body };
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
 * @param limits The attempt's timeout, size cap and how to read a 2xx body.
 * @returns The response with its body, or the failure.
 */
export async function attemptOnce(
  context: RequestContext,
  request: PlexRequest,
  options: CallOptions,
  logger: Logger,
  target: string,
  limits: AttemptLimits,
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
  limits: AttemptLimits,
): Promise<Outcome> {
  const doFetch = options.fetch ?? context.http.fetch ?? globalThis.fetch;
  let { headers, body } = buildInit(context, request);
  const deadline = startDeadline(limits.timeoutMs, options.signal);
  let url: string = target;
  let method: string = request.method;
  // Log lines are built only for a logger that prints them.
  const logging = logger !== silentLogger;
  const started = logging ? Date.now() : 0;
  // What the request carries that an answer or a failure may repeat: hidden there.
  const { form, query } = request;
  const secrets = [
    headers["X-Plex-Token"],
    form?.password,
    form?.verificationCode,
    form?.pin,
    query?.deviceJWT,
    (request.json as { jwt?: unknown } | undefined)?.jwt,
  ] as (string | undefined)[];
  try {
    for (let redirects = 0;; redirects++) {
      deadline.check();
      if (logging) logger.debug(`→ ${method} ${redactUrl(url)}`);
      let response: Response;
      try {
        response = await doFetch(url, { method, headers, body, signal: deadline.signal, redirect: "manual" });
      } catch (cause) {
        deadline.check(cause);
        return await fetchFailure(new URL(url).origin, cause, secrets);
      }
      // Only a redirect's Location is read: header reads are not free (Deno builds its header list on the first).
      const location = REDIRECT_STATUSES.has(response.status) ? response.headers.get("location") : null;
      if (response.type === "opaqueredirect" || location) {
        await response.body?.cancel().catch(() => {});
        const { status } = response;
        const rule = await import("./redirect.ts").catch(() => undefined);
        if (!rule) {
          throw new PlexError("redirect_refused", "plex.tv redirected; the request was not followed", {
            status,
          });
        }
        const next = rule.nextRequest({
          status,
          location,
          url,
          method,
          origins: hostsOf(context).origins,
          followed: redirects,
        });
        if (!next.keepsBody) {
          body = undefined;
          delete headers["Content-Type"];
        }
        ({ url, method } = next);
        continue;
      }
      const read = await readCapped(response, limits, deadline);
      const shown = redactUrl(url);
      if (logging) logger.debug(`← ${response.status} ${shown} (${Date.now() - started} ms)`);
      const { status, headers: answered } = response;
      if (typeof read === "string") {
        // An error's body may echo what was sent (a proxy's, a server's): hidden before anything reads it.
        const body = status < 300 ? read : await hidden(read, secrets);
        return { response: { status, headers: answered, body, url: shown } };
      }
      if (read.notJson) throw notJson(status);
      return { response: { status, headers: answered, body: "", url: shown, parsed: read.parsed } };
    }
  } finally {
    deadline.dispose();
  }
}

/**
 * Reads a body up to `maxBytes`. On every failure (too large, cut off, timed
 * out, aborted) the stream is cancelled, so the connection is closed rather
 * than left half-read; an abort cancels a read in progress.
 */
async function readCapped(
  response: Response,
  limits: AttemptLimits,
  deadline: Deadline,
): Promise<string | { parsed: unknown; notJson?: boolean }> {
  const { maxBytes } = limits;
  const length = response.headers.get("content-length")?.trim();
  const declared = length && /^\d+$/.test(length) ? Number(length) : undefined;
  if (declared !== undefined && declared > maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw tooLarge(maxBytes, response.status);
  }
  const encoding = response.headers.get("content-encoding")?.trim().toLowerCase();
  // A Transfer-Encoding overrides the declared length (RFC 9112 §6.3): the runtime reads to the last
  // chunk, however long, so such a body is counted like one without a length.
  const framed = declared !== undefined && !response.headers.has("transfer-encoding");
  if (framed && (!encoding || encoding === "identity")) {
    // The runtime reads exactly the declared length (HTTP framing), so the cap holds without counting.
    // A compressed body's declared length is not its decoded size: it is counted below. `response.body`
    // is not touched here: reading it makes a stream, and text() then takes the stream's slower path.
    if (limits.json && response.status >= 200 && response.status < 300) {
      return await readParsed(response, deadline);
    }
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

/**
 * Whether a body is read as text and then parsed: on Deno, `response.json()` costs more than
 * `text()` and `JSON.parse`; on Bun, less (`deno task bench --only throughput` shows both ways of
 * reading beside plextv's).
 */
const PARSE_TEXT = typeof (globalThis as { Deno?: unknown }).Deno === "object";

/**
 * A 2xx body of declared length, parsed as it is read (on Deno, read and then parsed). A body cut
 * off before its end is a `network_error`, as with text (the runtimes reject with a `TypeError`); a
 * complete body that is not JSON (a `SyntaxError`) is reported as `readJson` reports it.
 */
async function readParsed(
  response: Response,
  deadline: Deadline,
): Promise<{ parsed: unknown; notJson?: boolean }> {
  let parsed: unknown;
  try {
    parsed = PARSE_TEXT ? JSON.parse(await response.text()) : await response.json();
  } catch (cause) {
    deadline.check(cause);
    if (cause instanceof SyntaxError) return { parsed: undefined, notJson: true };
    throw await cutOff(cause);
  }
  return { parsed };
}

/**
 * The `invalid_response` of a body that is not JSON. No `cause`: a JSON SyntaxError quotes the
 * body, and a body may carry a token.
 *
 * @param status The response's status.
 * @returns The error.
 */
export function notJson(status: number): PlexError {
  return new PlexError("invalid_response", `plex.tv answered ${status} with a body that is not JSON`, {
    status,
  });
}

function tooLarge(maxBytes: number, status: number): PlexError {
  return new PlexError("response_too_large", `The response body is larger than ${maxBytes} bytes`, {
    status,
  });
}

/**
 * The wording of network failures (lib/http/fetch_failure.ts, a table of every runtime's codes and
 * texts, and the redaction of their causes), loaded when a request first fails, so a path that never
 * fails does not carry it; `undefined` when it cannot be loaded (a browser that went offline): the
 * failure is then reported without it, and without its cause, which only that code can make safe to keep.
 */
const wording = (): Promise<typeof import("./fetch_failure.ts") | undefined> =>
  import("./fetch_failure.ts").catch(() => undefined);

/**
 * `text` without the request's `secrets`, by the redaction loaded with the first error body; empty
 * when it cannot be loaded (a browser that went offline), as an error body that may hold them is not kept.
 */
async function hidden(text: string, secrets: (string | undefined)[]): Promise<string> {
  const redaction = await import("../redact/secrets.ts").catch(() => undefined);
  return redaction ? redaction.redactSecrets(text, secrets) : "";
}

/** The failure of a fetch that rejected; `secrets` are what the request carried. */
async function fetchFailure(
  origin: string,
  cause: unknown,
  secrets: (string | undefined)[],
): Promise<Outcome> {
  const words = await wording();
  return words ? { failure: words.networkError(origin, cause, secrets), refused: words.isRefused(cause) } : {
    failure: new PlexError("network_error", `Cannot reach ${redactUrl(origin)}`),
    refused: false,
  };
}

/** The `network_error` of a body that stopped before its end. */
async function cutOff(cause: unknown): Promise<PlexError> {
  return (await wording())?.cutOff(cause) ?? new PlexError("network_error", "The response body was cut off");
}
