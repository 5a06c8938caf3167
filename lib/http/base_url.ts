/**
 * Which base URLs plextv accepts for plex.tv: `https:` anywhere, `http:` only
 * on loopback (the emulator, a local proxy).
 *
 * @module
 */
import { PlexError } from "../errors.ts";
import { redactUrl } from "../redact/url.ts";

/**
 * Throws unless `url` may be used as a plex.tv base URL: an absolute URL of a
 * scheme, host, port and path only, `https:`, or `http:` on a loopback host.
 * A query or fragment would swallow the request paths appended to it, and a
 * user name or password would be sent on.
 *
 * @param url The URL.
 * @throws {PlexError} `invalid_argument` for a value that is not an absolute URL, or one with a user
 *   name, password, query or fragment; `insecure_url` for another scheme, or `http:` off loopback. The
 *   message shows neither credentials nor query.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkBaseUrl } from "./base_url.ts";
 * checkBaseUrl("http://127.0.0.1:8080");
 * assert.throws(() => checkBaseUrl("http://plex.tv"), { code: "insecure_url" });
 * assert.throws(() => checkBaseUrl("https://plex.tv/?x=1"), { code: "invalid_argument" });
 * assert.throws(() => checkBaseUrl("plex.tv"), { code: "invalid_argument" });
 * ```
 */
export function checkBaseUrl(url: string): void {
  const text = String(url);
  let parsed: URL | undefined;
  try {
    parsed = new URL(text);
  } catch { /* not a URL */ }
  if (!parsed || parsed.username || parsed.password || /[?#]/.test(text)) {
    throw new PlexError(
      "invalid_argument",
      `The base URL ${shown(text)} must be an absolute URL without credentials, query or fragment`,
    );
  }
  const host = parsed.hostname;
  // Short-circuited: an https URL, plex.tv's, is not matched against the loopback pattern.
  if (
    parsed.protocol !== "https:" &&
    !(parsed.protocol === "http:" &&
      (host === "localhost" || host === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)))
  ) {
    throw new PlexError(
      "insecure_url",
      `The URL ${shown(text)} must use https (http only for loopback hosts)`,
    );
  }
}

/** The URL as a message shows it: no query, fragment or credentials (made only for a refusal). */
function shown(text: string): string {
  return redactUrl(text.split(/[?#]/)[0]!);
}
