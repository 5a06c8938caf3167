/**
 * Turning a rejected `fetch` into a `network_error` that says in one sentence
 * which host could not be reached and why, in the same words on Deno, Bun and
 * Node (each runtime reports the same failure with its own codes and text),
 * without leaking the URL's secrets; the same for a body cut off before its
 * end; and telling a refused connection (nothing reached the server) from
 * the rest.
 *
 * @module
 */
import { PlexError } from "../errors.ts";
import { redactUrl } from "../redact/url.ts";
import { redactError, redactSecrets } from "../redact/secrets.ts";

/**
 * The `network_error` for a fetch to `origin` that rejected with `cause`:
 * "Cannot reach HOST: REASON".
 *
 * @param origin The origin that was asked (no path, no query).
 * @param cause What fetch threw.
 * @param secrets What the request carried (its token, a password): hidden if the cause repeats them
 *   (a `fetch` of one's own may put a header in its error).
 * @returns The typed error, its cause redacted.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { networkError } from "./fetch_failure.ts";
 * const err = networkError("https://plex.tv", new Error("proxy said no to abcdefghij0123456789"), ["abcdefghij0123456789"]);
 * assert.equal(err.message, "Cannot reach plex.tv: proxy said no to ***");
 * ```
 */
export function networkError(
  origin: string,
  cause: unknown,
  secrets: (string | undefined)[] = [],
): PlexError {
  let host = origin;
  try {
    host = new URL(origin).host || origin;
  } catch {
    // keep the origin as given
  }
  return new PlexError(
    "network_error",
    `Cannot reach ${redactUrl(host)}: ${redactSecrets(describe(cause), secrets)}`,
    {
      cause: redactError(cause, secrets),
    },
  );
}

/**
 * The `network_error` of a response body that stopped before its end (a reset, a closed connection),
 * saying why as {@linkcode describe} does; its cause is a redacted copy.
 *
 * @param cause What reading the body rejected with.
 * @returns The error.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cutOff } from "./fetch_failure.ts";
 * const err = cutOff(Object.assign(new TypeError("error reading a body from connection"), { code: "ECONNRESET" }));
 * assert.equal(err.message, "The response body was cut off: the connection was closed unexpectedly");
 * ```
 */
export function cutOff(cause: unknown): PlexError {
  return new PlexError("network_error", `The response body was cut off: ${describe(cause)}`, {
    cause: redactError(cause),
  });
}

/** What each runtime says, by failure: codes (Node, Bun) and message fragments (Deno, Node, Bun). */
const _REASONS: [RegExp, string][] = [
  [/ECONNREFUSED|ConnectionRefused|connection refused|actively refused/i, "the connection was refused"],
  [
    /ENOTFOUND|EAI_AGAIN|EAI_NONAME|dns error|failed to lookup address|getaddrinfo|Name or service not known|nodename nor servname/i,
    "the host name could not be resolved",
  ],
  // Node (undici) gives up on a connection or TLS handshake after 10 s (UND_ERR_CONNECT_TIMEOUT).
  [/ETIMEDOUT|timed out|TimedOut|UND_ERR_CONNECT_TIMEOUT|Connect Timeout Error/i, "the connection timed out"],
  [
    /UND_ERR_HEADERS_TIMEOUT|UND_ERR_BODY_TIMEOUT|Headers Timeout Error|Body Timeout Error/i,
    "the server did not answer in time",
  ],
  [/ENETUNREACH|EHOSTUNREACH|network is unreachable|no route to host/i, "the network is unreachable"],
  [
    /CERT_|certificate|UnknownIssuer|self[- ]signed|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS_CERT/i,
    "its TLS certificate is not trusted",
  ],
  [/EPROTO|ERR_SSL|TLS|SSL|handshake|InvalidContentType|corrupt message/i, "the TLS handshake failed"],
  // Node's HTTP parser (HPE_*), Deno's hyper, Bun (which takes a short answer that ends at once for a reset).
  [
    /HPE_|does not match the HTTP|invalid HTTP|unexpected message from connection|Malformed_HTTP/i,
    "the server's answer is not HTTP",
  ],
  [
    /ECONNRESET|EPIPE|UND_ERR_SOCKET|connection reset|closed before message completed|other side closed|socket connection was closed|connection closed|error reading a body/i,
    "the connection was closed unexpectedly",
  ],
  [/bad port|port \d+ (are|is) blocked/i, "the runtime blocks requests to that port"],
  [
    /NotCapable|Requires net access|--allow-net/i,
    "Deno's permissions deny network access (run with --allow-net)",
  ],
];

/**
 * Why a request failed, in words that are the same on every runtime
 * (`the connection was refused`), or the codes and messages of the error and
 * its causes, redacted, when the failure is none of the known ones.
 *
 * @param cause The error.
 * @returns One clause, lowercase, without a trailing period.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describe } from "./fetch_failure.ts";
 * const bun = Object.assign(new TypeError("ECONNREFUSED: Unable to connect"), { code: "ECONNREFUSED" });
 * const deno = new TypeError("fetch failed", { cause: new Error("tcp connect error: Connection refused (os error 111)") });
 * assert.equal(describe(bun), "the connection was refused");
 * assert.equal(describe(deno), "the connection was refused");
 * ```
 */
export function describe(cause: unknown): string {
  try {
    return describeReadable(cause);
  } catch {
    // A cause that throws when read (no toString, a throwing getter): the failure is still reported.
    return "an error that cannot be read";
  }
}

function describeReadable(cause: unknown): string {
  const parts: string[] = [];
  let current: unknown = cause;
  for (let depth = 0; current && depth < 4; depth++) {
    const e = current as { message?: unknown; code?: unknown; cause?: unknown; name?: unknown };
    if (typeof e.code === "string") parts.push(e.code);
    if (typeof e.name === "string" && e.name === "NotCapable") parts.push(e.name);
    if (typeof e.message === "string" && e.message) parts.push(e.message);
    current = e.cause;
  }
  const text = parts.join(": ");
  for (const [pattern, reason] of _REASONS) if (pattern.test(text)) return reason;
  const unique = parts.filter((part, i) => !parts.slice(0, i).some((before) => before.includes(part)));
  return redactUrl(unique.join(": ") || String(cause)).replace(/[.\s]+$/, "");
}

/**
 * Whether a fetch failure is a refused connection (Node: ECONNREFUSED, Bun: ConnectionRefused, Deno: os error 111).
 *
 * @param cause What fetch threw.
 * @returns `true` when the connection was refused.
 */
export function isRefused(cause: unknown): boolean {
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
