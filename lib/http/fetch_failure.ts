/**
 * Turning a rejected `fetch` into a `network_error` that says what happened
 * without leaking the URL's secrets, and telling a refused connection (nothing
 * reached the server) from the rest.
 *
 * @module
 */
import { PlexError } from "../errors.ts";
import { redactError, redactUrl } from "../redact.ts";

/**
 * The `network_error` for a fetch to `origin` that rejected with `cause`.
 *
 * @param origin The origin that was asked (no path, no query).
 * @param cause What fetch threw.
 * @returns The typed error, its cause redacted.
 */
export function networkError(origin: string, cause: unknown): PlexError {
  return new PlexError("network_error", `The request to ${origin} failed: ${describe(cause)}`, {
    cause: redactError(cause),
  });
}

/**
 * The codes and messages of an error and its causes, redacted.
 *
 * @param cause The error.
 * @returns One line.
 */
export function describe(cause: unknown): string {
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
